#pragma once
// Which cgroup hierarchies a host has (v1 controllers, a cgroup2 mount, or both) and where this process
// sits in each, read from the mount table and /proc/self/cgroup (cgroups(7), proc(5) "mountinfo").
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocirt::cgroups {

struct HierarchyMount {
    std::string mount_point;               // absolute directory of the hierarchy's root cgroup
    std::vector<std::string> controllers;  // v1: "cpu", "memory", "name=systemd", ...; empty for cgroup2
    bool unified = false;                  // a cgroup2 mount
    std::string own_cgroup = "/";          // this process's cgroup in it, from /proc/self/cgroup

    // "cpu,cpuacct", "name=systemd", or "unified" for cgroup2.
    std::string key() const;
    // The mount that key() named (own_cgroup unknown: "/").
    static HierarchyMount from_key(const std::string& key, const std::string& mount_point);
    bool has_controller(std::string_view name) const;
};

class Hierarchy {
public:
    enum class Mode { none, v1, hybrid, v2 };

    // Reads the mount table and /proc/self/cgroup; only cgroup mounts under `root` count.
    static Hierarchy detect(const std::string& root = "/sys/fs/cgroup",
                            const std::string& mountinfo_path = "/proc/self/mountinfo",
                            const std::string& self_cgroup_path = "/proc/self/cgroup");
    // The same from texts, so tests can describe any host (paths in the mount table are used as given).
    static Hierarchy parse(std::string_view mountinfo, std::string_view self_cgroup, const std::string& root);

    Mode mode() const;
    const std::vector<HierarchyMount>& v1() const { return v1_; }
    const std::optional<HierarchyMount>& unified() const { return unified_; }
    // Every hierarchy a container is placed in: the v1 ones, then the cgroup2 mount.
    std::vector<HierarchyMount> all() const;
    const HierarchyMount* v1_with(std::string_view controller) const;

private:
    std::vector<HierarchyMount> v1_;
    std::optional<HierarchyMount> unified_;
};

// "/a/../b//c/" → "/b/c"; never climbs above "/" (like runc's CleanPath on an absolute path).
std::string clean_cgroup_path(const std::string& path);

}  // namespace ocirt::cgroups
