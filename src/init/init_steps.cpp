#include "init/init_steps.hpp"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "init/cgroup_entry.hpp"
#include "init/console.hpp"
#include "init/hook_steps.hpp"
#include "init/kernel_settings.hpp"
#include "init/process_attributes.hpp"
#include "init/process_env.hpp"
#include "init/process_setup.hpp"
#include "init/rootfs.hpp"
#include "init/seccomp.hpp"
#include "linux/exec.hpp"
#include "linux/identity.hpp"
#include "linux/namespaces.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

void build_filesystem(const InitContext& ctx) {
    ::umask(0);
    UniqueFd root = prepare_root(ctx);
    mount_all(ctx, root.get());
    enter_cgroup(ctx);
    setup_dev(ctx, root.get());
    setup_console(ctx, root.get());
    run_create_hooks(ctx);
    enter_root(ctx, root.get());
    make_cwd(ctx.plan.process);
    mask_paths(ctx);
    make_paths_readonly(ctx);
    make_root_readonly(ctx);
}

void configure_process(const InitContext& ctx) {
    apply_personality(ctx);
    apply_privileged_attributes(ctx.plan.process);
    ctx.step("limits and scheduling set");
    load_seccomp(ctx, plan::SeccompStage::before_identity);
    apply_identity_and_capabilities(ctx.plan.process);
    ctx.step("credentials and capabilities set");
    apply_no_new_privileges(ctx);
    load_seccomp(ctx, plan::SeccompStage::before_ready);
}

}  // namespace

void run_init(const InitContext& ctx) {
    // keyrings(7): before anything else, so that no key the container's setup adds lands in the caller's.
    join_session_keyring(ctx.plan, ctx.channel);
    set_hostname(ctx);
    apply_sysctls(ctx);
    build_filesystem(ctx);
    // Inside the container's root and before seccomp and the uid change: /etc/passwd is the container's.
    const std::vector<std::string> env = process_environment(ctx.plan.process);
    configure_process(ctx);
    const auto& p = ctx.plan.process;
    std::string program = linux_::find_executable(p.args[0], env);
    linux_::reset_signals();
    ctx.channel.send(sync::Message::plain(sync::MsgType::Ready));
    try {
        UniqueFd started = wait_for_start(ctx);
        linux_::close_fds_on_exec(ctx.plan.preserve_fds);
        load_seccomp(ctx, plan::SeccompStage::before_exec);
        linux_::exec_program(program, p.args, env);
    } catch (const Error& e) {
        // Nobody waits on the channel once Ready is sent: the process's own stderr gets the error.
        std::fprintf(stderr, "ocirt: init: %s\n", e.what());
        ::_exit(127);
    }
}

}  // namespace ocirt::init
