#include "runtime/launcher.hpp"

#include <unistd.h>

#include <optional>

#include "init/stage1.hpp"
#include "linux/fork_into_cgroup.hpp"
#include "linux/scheduling.hpp"
#include "runtime/net_devices.hpp"
#include "runtime/seccomp_listener.hpp"
#include "runtime/user_namespace_maps.hpp"
#include "sync/await_child.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

// `child_main` runs in the child with the child's end of the channel and never returns.
template <typename ChildMain>
StartedChild fork_launched_child(std::string_view log_as, const std::optional<std::string>& clone_cgroup,
                                 int namespace_flags, const ChildMain& child_main) {
    auto [parent_end, child_end] = sync::Channel::pair();
    sync::log_step(log_as, "fork");
    pid_t pid = linux_::fork_into_cgroup(clone_cgroup, namespace_flags);
    if (pid == 0) {
        parent_end.close();
        child_main(child_end);
    }
    child_end.close();
    return StartedChild{std::move(parent_end), linux_::ChildProcess(pid)};
}

// The process the protocol goes on with: the first child itself, or the second child it forked into the PID
// namespace (CLONE_PARENT: ours to wait for), once the first has exited.
linux_::ChildProcess take_second_child(const plan::InitPlan& plan, StartedChild& started, const LaunchNames& names) {
    if (!plan.second_fork || plan.namespaces_at_clone) return std::move(started.first);
    sync::Message message = sync::await_from_child(started.parent_end, started.first, sync::MsgType::InitPid, names.child);
    linux_::ChildProcess second(message.pid());
    if (auto status = started.first.wait(); status.signaled || status.value != 0)
        throw Error("the first child ended badly after forking the " + std::string(names.child) + ": " + status.describe());
    return second;
}

linux_::ChildProcess drive_to_ready(const plan::InitPlan& plan, StartedChild& started, cgroups::Manager& cgroup,
                                    const LaunchNames& names, const RuntimeHooks& run_runtime_hooks) {
    const sync::Channel& channel = started.parent_end;
    map_user_namespace(channel, started.first, plan);
    linux_::ChildProcess process = take_second_child(plan, started, names);
    sync::log_step(names.log_as, std::string(names.child) + " is pid " + std::to_string(process.pid()));
    // The init asks once it is in all its namespaces, before it sets any of them up; so the devices are in
    // place before the prestart and createRuntime hooks (as runc moves them before it sends its init the
    // config), and the cgroup waits a little.
    if (!plan.net_devices.empty()) answer_net_devices_please(channel, process, plan.net_devices);
    with_context("join cgroup", [&] { cgroup.add_process(process.pid()); });
    sync::send_to_child(channel, process, sync::Message::plain(sync::MsgType::CgroupReady), names.child);
    sync::log_step(names.log_as, "cgroup ready");
    if (plan.hooks.ask_parent) answer_hooks_please(channel, process, run_runtime_hooks);
    forward_seccomp_fd(channel, process, plan);
    sync::await_from_child(channel, process, sync::MsgType::Ready, names.child);
    sync::log_step(names.log_as, std::string(names.child) + " ready");
    return process;
}

}  // namespace

StartedChild start_init(const plan::InitPlan& plan, const LaunchFds& fds, const std::optional<std::string>& clone_cgroup) {
    return fork_launched_child(kInitNames.log_as, clone_cgroup, plan.namespaces_at_clone ? plan.unshare_flags : 0,
                               [&](const sync::Channel& child_end) {
                                   // flock(2): the lock lives in the open file description, which the child
                                   // shares until it closes it.
                                   ::close(fds.lock);
                                   init::run_child(plan, child_end, init::InitFds{fds.exec_fifo, fds.console_socket});
                               });
}

StartedChild start_exec_child(const init::ExecTarget& target, const plan::InitPlan& plan, int lock_fd) {
    // config.md execCPUAffinity `initial`: the CPUs "a runtime parent process to be run on initially, before
    // the transition to container's cgroup". Set on this thread around fork(2), the child has them from its
    // first instruction, whenever the parent moves it into the cgroup; the init/exec_child.cpp applies
    // `final` once it is there.
    std::optional<linux_::ThreadCpuAffinity> initial;
    if (!plan.process.exec_cpu_affinity.initial.empty()) {
        try {
            initial.emplace(plan.process.exec_cpu_affinity.initial);
        } catch (const Error& e) {
            throw Error(e.frames(), e.message(), e.errno_value(), "/process/execCPUAffinity/initial");
        }
    }
    return fork_launched_child(kExecNames.log_as, std::nullopt, 0, [&](const sync::Channel& child_end) {
        ::close(lock_fd);
        init::run_exec_child(target, plan, child_end);
    });
}

linux_::ChildProcess launch(const plan::InitPlan& plan, StartedChild& started, cgroups::Manager& cgroup,
                            const LaunchNames& names, const RuntimeHooks& run_runtime_hooks) {
    try {
        return drive_to_ready(plan, started, cgroup, names, run_runtime_hooks);
    } catch (const Error&) {
        sync::rethrow_child_failure_first(started.parent_end);
    }
}

}  // namespace ocirt::runtime
