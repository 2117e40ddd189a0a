#pragma once
// The child side of `exec`: join the init's namespaces and root, fork into its PID namespace, wait for
// the parent to place the process in the container's cgroup, apply the process settings and the
// container's seccomp filter, and exec: the end of the set-up is the init's own (init/finish_process.hpp).
// Protocol (src/sync/protocol.hpp): InitPid (S → P), CgroupReady (P → I), SeccompFd (I → P, only with a
// listener), Ready (I → P), or Fail.
#include "plan/init_plan.hpp"
#include "sync/channel.hpp"

namespace ocirt::init {

struct ExecTarget {
    int init_pidfd = -1;      // the container's init (pidfd_open(2)): setns(2) takes it for many namespaces at once
    int namespaces = 0;       // CLONE_NEW* where the init's namespace differs from ours
    int root = -1;            // /proc/<init>/root, O_PATH
    int console_socket = -1;  // -t: receives the pty master
};

// Of `plan`, only process, session_keyring, preserve_fds and seccomp are used.
[[noreturn]] void run_exec_child(const ExecTarget& target, const plan::InitPlan& plan, const sync::Channel& channel);

}  // namespace ocirt::init
