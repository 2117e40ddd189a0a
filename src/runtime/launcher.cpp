#include "runtime/launcher.hpp"

#include <unistd.h>

#include "init/stage1.hpp"
#include "linux/fork_into_cgroup.hpp"
#include "runtime/user_namespace_maps.hpp"
#include "runtime/seccomp_listener.hpp"
#include "sync/await_child.hpp"
#include "sync/channel.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {

namespace {

// The parent's side of the protocol once the first child runs (src/sync/protocol.hpp).
linux_::ChildProcess drive_init(const plan::InitPlan& plan, const sync::Channel& parent_end, linux_::ChildProcess first,
                                cgroups::Manager& cgroup, const RuntimeHooks& run_runtime_hooks) {
    map_user_namespace(parent_end, first, plan);
    linux_::ChildProcess init;
    if (plan.second_fork && !plan.namespaces_at_clone) {
        sync::Message message = sync::await_from_child(parent_end, first, sync::MsgType::InitPid);
        init = linux_::ChildProcess(message.pid());
        auto status = first.wait();
        if (status.signaled || status.value != 0)
            throw Error("the first child ended badly after forking the init: " + status.describe());
    } else {
        init = std::move(first);
    }
    sync::log_step("parent", "init is pid " + std::to_string(init.pid()));
    with_context("join cgroup", [&] { cgroup.add_process(init.pid()); });
    sync::send_to_child(parent_end, init, sync::Message::plain(sync::MsgType::CgroupReady));
    sync::log_step("parent", "cgroup ready");
    if (plan.hooks.ask_parent) answer_hooks_please(parent_end, init, run_runtime_hooks);
    forward_seccomp_fd(parent_end, init, plan);
    sync::await_from_child(parent_end, init, sync::MsgType::Ready);
    sync::log_step("parent", "init ready");
    return init;
}

}  // namespace

StartedInit start_init(const plan::InitPlan& plan, const LaunchFds& fds, const std::optional<std::string>& clone_cgroup) {
    auto [parent_end, child_end] = sync::Channel::pair();
    sync::log_step("parent", "fork");
    pid_t pid = linux_::fork_into_cgroup(clone_cgroup, plan.namespaces_at_clone ? plan.unshare_flags : 0);
    if (pid == 0) {
        // flock(2): the lock lives in the open file description, which the child shares until it closes it.
        ::close(fds.lock);
        parent_end.close();
        init::run_child(plan, child_end, init::InitFds{fds.exec_fifo, fds.console_socket});
    }
    child_end.close();
    return StartedInit{std::move(parent_end), linux_::ChildProcess(pid)};
}

linux_::ChildProcess finish_init(const plan::InitPlan& plan, StartedInit started, cgroups::Manager& cgroup,
                                 const RuntimeHooks& run_runtime_hooks) {
    try {
        return drive_init(plan, started.parent_end, std::move(started.first), cgroup, run_runtime_hooks);
    } catch (const Error&) {
        sync::rethrow_child_failure_first(started.parent_end);
    }
}

}  // namespace ocirt::runtime