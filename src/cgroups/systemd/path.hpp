#pragma once
// linux.cgroupsPath for the systemd cgroup driver (`--systemd-cgroup`): "slice:prefix:name", read as runc
// reads it, and the unit and cgroup directory systemd would give the container.
#include <optional>
#include <string>

namespace ocirt::cgroups {

struct SystemdCgroup {
    std::string slice;   // the parent slice unit; the default one (system.slice) when the path leaves it empty
    std::string unit;    // "prefix-name.scope", or name itself when it ends in ".slice"
    std::string cgroup;  // absolute in every hierarchy: expanded slice + "/" + unit
};

// systemd.slice(5): "a-b-c.slice" is nested as "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" is the root.
// Throws Error for a name that does not end in ".slice", holds a '/', or has an empty '-' component.
std::string expand_slice(const std::string& slice);

// `cgroups_path` "slice:prefix:name"; empty or absent gives ":ocirt:<id>" (runc uses its own name as the
// prefix), and an empty slice is `default_slice` (runc: system.slice, user.slice for a rootless container).
// Throws Error (JSON pointer /linux/cgroupsPath) naming the rule that is broken.
SystemdCgroup parse_systemd_cgroup(const std::optional<std::string>& cgroups_path, const std::string& id,
                                   const std::string& default_slice = "system.slice");

}  // namespace ocirt::cgroups
