#pragma once
// Where a container's cgroup sits in one hierarchy, and the directory work every driver shares: making the
// levels of the path, joining, listing, removing.
#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "cgroups/hierarchy.hpp"
#include "cgroups/recorded_cgroup.hpp"

namespace ocirt::cgroups {

struct Placement {
    HierarchyMount hierarchy;
    std::string cgroup;        // absolute within the hierarchy, e.g. "/ocirt/abc"
    std::string created_from;  // the topmost cgroup make_directories made on the way to `cgroup`; "" if none
    std::string directory() const { return hierarchy.mount_point + cgroup; }
};

// The placement in a v1 hierarchy that has `controller`, or in the cgroup2 mount; nullptr when none.
const Placement* v1_placement_with(const std::vector<Placement>& placements, std::string_view controller);
const Placement* unified_placement(const std::vector<Placement>& placements);
// v1, hybrid or v2, from the hierarchies the placements are in.
Hierarchy::Mode mode_of(const std::vector<Placement>& placements);

// What state.json keeps of the placements (RecordedCgroup::systemd_unit is left to the systemd driver), and
// the placements read back from it.
RecordedCgroup record_of(const std::vector<Placement>& placements);
std::vector<Placement> placements_of(const RecordedCgroup& recorded);

// mkdir -p of each placement's cgroup, recording in created_from the topmost level made; a v1 cpuset level
// gets its parent's cpus and mems.
void make_directories(std::vector<Placement>& placements);
void write_procs(const std::vector<Placement>& placements, pid_t pid);  // cgroup.procs in each
// cgroup.procs of `directory` and of every cgroup below it.
std::vector<pid_t> pids_below(const std::string& directory);
// rmdir of each cgroup (and of cgroups made inside it), then of the parents make_directories made; the first
// failure is thrown once every placement was tried.
void remove_directories(const std::vector<Placement>& placements);

}  // namespace ocirt::cgroups
