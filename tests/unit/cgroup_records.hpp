#pragma once
// Opening an emulated tree's cgroup the way later commands do: from what state.json records.
#include <memory>
#include <string>

#include "cgroups/drivers.hpp"

namespace ocirt::unit_test {

// The cgroup an ocirt before the typed record wrote as the string cgroupPath (one path, or a JSON object
// of paths per hierarchy), resolved against `hierarchy`.
inline std::unique_ptr<cgroups::Manager> open_legacy_cgroup(const std::string& cgroup_path,
                                                            const cgroups::Hierarchy& hierarchy,
                                                            const std::string& created_from = "") {
    cgroups::RecordedCgroup old;
    old.legacy = cgroups::LegacyCgroupPath{cgroup_path, created_from, false};
    return cgroups::open_recorded(cgroups::resolve_legacy(old, hierarchy));
}

}  // namespace ocirt::unit_test
