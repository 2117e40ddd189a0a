#pragma once
// The v1 freezer controller's freezer.state: FROZEN, FREEZING while tasks are still being stopped, THAWED
// (Documentation/admin-guide/cgroup-v1/freezer-subsystem.rst).
#include <string>

namespace ocirt::cgroups {

bool v1_frozen(const std::string& freezer_dir);
// Freezing returns once the state reads FROZEN, or throws after kFreezeTimeout.
void set_v1_frozen(const std::string& freezer_dir, bool frozen);

}  // namespace ocirt::cgroups
