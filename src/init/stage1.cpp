#include "init/stage1.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "init/idmap_binds.hpp"
#include "init/init_steps.hpp"
#include "init/user_namespace.hpp"
#include "linux/namespaces.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

void join_namespaces(const InitContext& ctx) {
    // Every path is opened before the first setns(2): joining a mount namespace changes what paths mean.
    std::vector<UniqueFd> fds;
    for (const auto& join : ctx.plan.joins) fds.push_back(linux_::open_namespace(join.type, join.path));
    for (size_t i = 0; i < ctx.plan.joins.size(); ++i) {
        const auto& join = ctx.plan.joins[i];
        linux_::join_namespace(fds[i].get(), join.clone_flag, join.type, join.path);
        ctx.step("joined " + join.type + " namespace");
    }
}

void write_time_offsets(const InitContext& ctx) {
    if (ctx.plan.time_offsets.empty()) return;
    // time_namespaces(7): offsets are written once, before any process has entered the namespace.
    std::string text;
    for (const auto& o : ctx.plan.time_offsets)
        text += o.clock + " " + std::to_string(o.secs) + " " + std::to_string(o.nanosecs) + "\n";
    int fd = ::open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open /proc/self/timens_offsets");
    ssize_t n = ::write(fd, text.data(), text.size());
    int err = errno;
    ::close(fd);
    if (n < 0) throw SysError("write time offsets", err);
}

// clone(2) CLONE_PARENT: the init becomes a child of `ocirt create`, which can then wait for it.
pid_t fork_init_as_sibling() {
    long pid = ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid < 0) throw SysError("fork the container's init");
    return static_cast<pid_t>(pid);
}

}  // namespace

void run_child(const plan::InitPlan& plan, const sync::Channel& channel, InitFds fds) {
    InitContext ctx{plan, channel, fds};
    try {
        ctx.step("child started");
        std::vector<UniqueFd> idmapped_binds = prepare_idmapped_binds(plan);
        ctx.idmapped_binds = &idmapped_binds;
        join_namespaces(ctx);
        enter_user_namespace(ctx);
        linux_::unshare_namespaces(plan.unshare_flags);
        ctx.step("unshared " + linux_::clone_flag_names(plan.unshare_flags));
        write_time_offsets(ctx);
        if (plan.second_fork) {
            pid_t pid = fork_init_as_sibling();
            if (pid > 0) {
                channel.send(sync::Message::init_pid(pid));
                ::_exit(0);
            }
            ctx.step("init forked");
        }
        run_init(ctx);
    } catch (Error& e) {
        e.context("init");
        try {
            channel.send(sync::Message::fail(e));
        } catch (...) {
        }
    } catch (const std::exception& e) {
        try {
            channel.send(sync::Message::fail(Error(std::string(e.what())).context("init")));
        } catch (...) {
        }
    }
    ::_exit(1);
}

}  // namespace ocirt::init
