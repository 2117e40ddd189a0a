#pragma once
// The cgroup2 core files that freeze and kill a cgroup with its descendants (cgroup-v2.rst "Core Interface
// Files"): cgroup.freeze, with cgroup.events saying "frozen 1" once every task stopped, and cgroup.kill.
#include <string>

namespace ocirt::cgroups {

bool cgroup2_frozen(const std::string& dir);
bool cgroup2_can_freeze(const std::string& dir);  // cgroup.freeze exists (Linux 5.2)
// Freezing returns once cgroup.events says so, or throws after kFreezeTimeout.
void set_cgroup2_frozen(const std::string& dir, bool frozen);
bool cgroup2_can_kill(const std::string& dir);  // cgroup.kill exists (Linux 5.14)
void cgroup2_kill(const std::string& dir);      // SIGKILL to every process in the cgroup and below

}  // namespace ocirt::cgroups
