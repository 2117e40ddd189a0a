#pragma once
// The parent side of the create protocol (src/sync/protocol.hpp): fork the child, follow it through
// InitPid and CgroupReady to Ready. Returns the container's init, blocked on exec.fifo; on any failure
// every child it made is killed and reaped before the Error leaves.
#include "cgroups/manager.hpp"
#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "runtime/hooks_exchange.hpp"

namespace ocirt::runtime {

struct LaunchFds {
    int exec_fifo = -1;  // O_PATH, inherited by the init
    int lock = -1;       // the state directory's flock: closed in the child at once
    int console_socket = -1;  // connected to --console-socket, inherited by the init
};

linux_::ChildProcess launch_init(const plan::InitPlan& plan, const LaunchFds& fds, cgroups::Manager& cgroup,
                                 const RuntimeHooks& run_runtime_hooks = {});

}  // namespace ocirt::runtime
