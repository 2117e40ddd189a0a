#include "init/exec_child.hpp"

#include <sched.h>
#include <unistd.h>

#include "init/child_process.hpp"
#include "init/console.hpp"
#include "init/finish_process.hpp"
#include "init/process_attributes.hpp"
#include "init/process_env.hpp"
#include "linux/namespaces.hpp"
#include "linux/protected_executable.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

void enter_container(const ExecTarget& target) {
    // setns(2) with a pidfd: every namespace in `namespaces` at once, the user namespace first.
    if (target.namespaces && ::setns(target.init_pidfd, target.namespaces) < 0)
        throw SysError("join the " + linux_::clone_flag_names(target.namespaces) + " namespaces of the init");
    if (::fchdir(target.root) < 0) throw SysError("chdir to the init's root");
    if (::chroot(".") < 0) throw SysError("chroot to the init's root");
    if (::chdir("/") < 0) throw SysError("chdir \"/\"");
}

[[noreturn]] void run_process(const ExecTarget& target, const InitContext& ctx) {
    const auto& p = ctx.plan.process;
    // execCPUAffinity `initial` came with fork(2) (runtime/launcher.cpp start_exec_child).
    ctx.channel.expect(sync::MsgType::CgroupReady);
    apply_final_cpu_affinity(p);
    setup_exec_terminal(p, target.console_socket);
    join_session_keyring(ctx.plan, ctx.channel);
    finish_process(ctx, "exec");
}

}  // namespace

void run_exec_child(const ExecTarget& target, const plan::InitPlan& plan, const sync::Channel& channel) {
    InitContext ctx{plan, channel, {}};
    try {
        // CVE-2019-5736: hide /proc/PID/exe from the container we join. In a user namespace the container's
        // root has no say over host-owned processes anyway, and the process's /proc files must stay its own.
        if (!(target.namespaces & CLONE_NEWUSER)) linux_::make_not_dumpable();
        enter_container(target);
        ctx.step("entered " + linux_::clone_flag_names(target.namespaces));
        continue_in_sibling(channel, "the process");
        run_process(target, ctx);
    } catch (...) {
        report_failure_and_exit(channel, "process");
    }
}

}  // namespace ocirt::init
