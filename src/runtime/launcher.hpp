#pragma once
// The parent's side of starting a container process: one pipeline for `create` (the container's init) and
// `exec` (a process joining a running container). start_init / start_exec_child fork the first child;
// launch() then follows it through the protocol of src/sync/protocol.hpp to Ready:
//   the id maps (UsernsReady → MapsWritten, with a new user namespace)
//   → InitPid when the process is a second child (a PID namespace), and the first child reaped
//   → linux.netDevices moved into its network namespace (NetDevicesPlease → NetDevicesMoved, create only)
//   → the process joins its cgroup → CgroupReady
//   → the prestart and createRuntime hooks (HooksPlease → HooksDone, when the plan asks for them)
//   → the seccomp notify fd to its listener (SeccompFd, with a listenerPath) → Ready.
// A step of ours that fails because the child had already died (ESRCH joining the cgroup, EPIPE sending)
// reports the child's own Fail as the error. On any failure every child made is killed and reaped before
// the Error leaves.
#include <optional>
#include <string>
#include <string_view>

#include "cgroups/manager.hpp"
#include "init/exec_child.hpp"
#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "runtime/hooks_exchange.hpp"
#include "sync/channel.hpp"

namespace ocirt::runtime {

// The first child, forked and not yet driven. The container's init runs on until the first step that needs
// its cgroup (it waits for CgroupReady there), so create can make the cgroup meanwhile. Destroying it
// unused kills and reaps the child.
struct StartedChild {
    sync::Channel parent_end;
    linux_::ChildProcess first;
};

struct LaunchFds {
    int exec_fifo = -1;  // O_PATH, inherited by the init
    int lock = -1;       // the state directory's flock: closed in the child at once
    int console_socket = -1;  // connected to --console-socket, inherited by the init
};

// create: the first child of the container's init. `clone_cgroup`: a cgroup v2 directory to clone it into
// (Manager::clone_target); with plan.namespaces_at_clone it starts in its new namespaces.
StartedChild start_init(const plan::InitPlan& plan, const LaunchFds& fds, const std::optional<std::string>& clone_cgroup);

// exec: the first child of a process in the running container `target` (init/exec_child.hpp). `lock_fd`, the
// state directory's, is closed in the child: no descriptor of it goes into the container.
StartedChild start_exec_child(const init::ExecTarget& target, const plan::InitPlan& plan, int lock_fd);

// Who speaks in the step log ("parent", "exec") and how errors name the child ("init", "process").
struct LaunchNames {
    std::string_view log_as;
    std::string_view child;
};
inline constexpr LaunchNames kInitNames{"parent", "init"};
inline constexpr LaunchNames kExecNames{"exec", "process"};

// Drives `started` to Ready and returns the process: the init blocked on exec.fifo, or the exec'd process
// about to execve(2). `cgroup` is joined before CgroupReady; `run_runtime_hooks` answers HooksPlease.
// started.parent_end stays open for the caller (exec reads it on until the process has exec'd).
linux_::ChildProcess launch(const plan::InitPlan& plan, StartedChild& started, cgroups::Manager& cgroup,
                            const LaunchNames& names, const RuntimeHooks& run_runtime_hooks = {});

}  // namespace ocirt::runtime
