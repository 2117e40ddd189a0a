#pragma once
// The parent side of the create protocol (src/sync/protocol.hpp): fork the child, follow it through
// InitPid and CgroupReady to Ready. Returns the container's init, blocked on exec.fifo; on any failure
// every child it made is killed and reaped before the Error leaves.
#include <optional>
#include <string>

#include "cgroups/manager.hpp"
#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "runtime/hooks_exchange.hpp"
#include "sync/channel.hpp"

namespace ocirt::runtime {

struct LaunchFds {
    int exec_fifo = -1;  // O_PATH, inherited by the init
    int lock = -1;       // the state directory's flock: closed in the child at once
    int console_socket = -1;  // connected to --console-socket, inherited by the init
};

// The first child, forked and not yet driven: it runs up to the first step that needs its cgroup (the
// init waits for CgroupReady there), so the parent can make the cgroup meanwhile. Destroying it unused
// kills and reaps the child.
struct StartedInit {
    sync::Channel parent_end;
    linux_::ChildProcess first;
};

// `clone_cgroup`: a cgroup v2 directory to clone the child into (Manager::clone_target), if it exists yet.
StartedInit start_init(const plan::InitPlan& plan, const LaunchFds& fds, const std::optional<std::string>& clone_cgroup);

linux_::ChildProcess finish_init(const plan::InitPlan& plan, StartedInit started, cgroups::Manager& cgroup,
                                 const RuntimeHooks& run_runtime_hooks = {});

inline linux_::ChildProcess launch_init(const plan::InitPlan& plan, const LaunchFds& fds, cgroups::Manager& cgroup,
                                        const RuntimeHooks& run_runtime_hooks = {}) {
    return finish_init(plan, start_init(plan, fds, cgroup.clone_target()), cgroup, run_runtime_hooks);
}

}  // namespace ocirt::runtime
