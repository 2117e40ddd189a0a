#pragma once
// A container process's own attributes, applied from a ProcessPlan in the order capabilities(7) needs:
// first what needs privilege, then the uid change, then the capability sets. init/finish_process.cpp
// calls them, with seccomp and no_new_privileges in between, for the init and `ocirt exec` alike.
#include "plan/init_plan.hpp"

namespace ocirt::init {

// oom_score_adj, scheduler, I/O priority, AppArmor profile on exec, rlimits, the bounding set,
// PR_SET_KEEPCAPS: while privileged.
void apply_privileged_attributes(const plan::ProcessPlan& process);
// groups, gid, uid, umask, cwd, then the effective/permitted/inheritable sets and the ambient set.
void apply_identity_and_capabilities(const plan::ProcessPlan& process);

// process.execCPUAffinity `final`, for `ocirt exec` only (config.md: not for the init), once the process is
// in the container's cgroup; an empty list leaves the affinity alone. `initial` is the parent's, set around
// fork(2) (runtime/launcher.cpp).
void apply_final_cpu_affinity(const plan::ProcessPlan& process);

}  // namespace ocirt::init
