#pragma once
// A child started in new namespaces and, on cgroup v2, in its cgroup: clone3(2) with CLONE_INTO_CGROUP starts
// it inside the cgroup (Linux 5.7), so it never runs a moment in the parent's; where clone3 refuses, clone(2)
// or fork(2), and the caller's cgroup.procs write (cgroups::Manager::add_process) places the child.
#include <sys/types.h>

#include <optional>
#include <string>

namespace ocirt::linux_ {

// fork(2) semantics (0 in the child, the pid in the parent, SIGCHLD at exit); with a directory, the child
// starts in that cgroup when the kernel allows it. namespace_flags (CLONE_NEW*) start it in new namespaces
// (clone(2)), as unshare(2) in the child would, without a second fork for the PID namespace.
pid_t fork_into_cgroup(const std::optional<std::string>& cgroup_dir, int namespace_flags = 0);

}  // namespace ocirt::linux_
