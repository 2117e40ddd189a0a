#include "init/finish_process.hpp"

#include <unistd.h>

#include <cstdio>

#include "init/kernel_settings.hpp"
#include "init/process_attributes.hpp"
#include "init/process_env.hpp"
#include "init/process_setup.hpp"
#include "init/seccomp.hpp"
#include "linux/exec.hpp"
#include "linux/identity.hpp"
#include "util/error.hpp"

namespace ocirt::init {

void finish_process(const InitContext& ctx, const char* who, ExecGate gate) {
    const auto& p = ctx.plan.process;
    // setsid(2): a session of its own, as runc gives every container process (with a terminal the console
    // step made it already); CRIU refuses to dump a tree whose session leader is outside its PID namespace.
    if (!p.terminal && ::setsid() < 0) throw SysError("setsid");
    // Inside the container's root and before seccomp and the uid change: /etc/passwd is the container's.
    const std::vector<std::string> env = process_environment(p);
    apply_privileged_attributes(p);
    apply_memory_policy(ctx);
    ctx.step("limits and scheduling set");
    load_seccomp(ctx, plan::SeccompStage::before_identity);
    apply_identity_and_capabilities(p);
    ctx.step("credentials and capabilities set");
    apply_no_new_privileges(ctx);
    load_seccomp(ctx, plan::SeccompStage::before_ready);
    std::string program = linux_::find_executable(p.args[0], env);
    linux_::reset_signals();
    ctx.channel.send(sync::Message::plain(sync::MsgType::Ready));
    try {
        UniqueFd held_until_exec = gate ? gate(ctx) : UniqueFd();
        linux_::close_fds_on_exec(ctx.plan.preserve_fds);
        load_seccomp(ctx, plan::SeccompStage::before_exec);
        linux_::exec_program(program, p.args, env);
    } catch (const Error& e) {
        std::fprintf(stderr, "ocirt: %s: %s\n", who, e.what());
        ::_exit(127);
    }
}

}  // namespace ocirt::init
