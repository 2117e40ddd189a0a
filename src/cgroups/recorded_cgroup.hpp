#pragma once
// The container's cgroup as state.json keeps it, so that later commands open it without reading the mount
// table: "cgroup": {"driver": "cgroupfs"|"systemd", "unit": "<systemd unit>", "instance": "user" (a unit of
// the user's own systemd; absent: the system's), "paths": {"<hierarchy>":
// {"mountPoint": ..., "cgroup": ..., "createdFrom": ...}, ...}}, one path per hierarchy ("cpu,cpuacct",
// "name=systemd", "unified" for the cgroup2 mount). A state.json written by an ocirt before this form has
// the string "cgroupPath" (one cgroup path, or a JSON object of them per hierarchy) with "cgroupCreatedFrom"
// and "systemdCgroup"; that is read as it is and resolved against the mount table when opened.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ocirt::cgroups {

struct RecordedPath {
    std::string hierarchy;    // HierarchyMount::key()
    std::string mount_point;
    std::string cgroup;        // absolute within the hierarchy
    std::string created_from;  // the topmost cgroup create made on the way to `cgroup`; "" if none
    bool operator==(const RecordedPath&) const = default;
};

// The old string form, kept as found.
struct LegacyCgroupPath {
    std::string path;          // an absolute cgroup path, or a JSON object {"<hierarchy>": "<path>"}
    std::string created_from;  // in the same encoding
    bool systemd = false;
    bool operator==(const LegacyCgroupPath&) const = default;
};

struct RecordedCgroup {
    std::vector<RecordedPath> paths;  // none: a rootless container without a cgroup of its own
    std::string systemd_unit;         // "" when ocirt made the directories itself
    bool systemd_user = false;        // the unit is the user's systemd instance's ("instance": "user")
    std::optional<LegacyCgroupPath> legacy;

    bool empty() const { return paths.empty() && (!legacy || legacy->path.empty()); }
    bool operator==(const RecordedCgroup&) const = default;

    // Into / from the whole state.json object ("cgroup", or the old keys for a legacy record). Throws
    // nlohmann::json::exception or Error for a malformed one.
    void write_to(nlohmann::json& state) const;
    static RecordedCgroup read_from(const nlohmann::json& state);

    // The file create writes before it makes the cgroup: the "cgroup" object; an older ocirt wrote the old
    // cgroupPath string there.
    std::string pending_text() const;
    static RecordedCgroup from_pending_text(const std::string& text);
};

}  // namespace ocirt::cgroups
