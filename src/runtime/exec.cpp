#include "runtime/exec.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "cgroups/drivers.hpp"
#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "runtime/console_socket.hpp"
#include "runtime/create.hpp"
#include "runtime/exec_spec.hpp"
#include "runtime/launcher.hpp"
#include "runtime/security_facts.hpp"
#include "runtime/signal_forwarder.hpp"
#include "runtime/signals.hpp"
#include "runtime/tty_proxy.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

constexpr int kExecWaitMs = 5000;

// The process's end of the channel is close-on-exec (execve(2)): its end of file says the program has
// replaced ocirt's code there (or the process died), so neither -d's return nor the pid file hands out a
// process that still runs ocirt.
void await_exec(const sync::Channel& channel) {
    for (;;) {
        pollfd ready{channel.fd(), POLLIN, 0};
        int rc = ::poll(&ready, 1, kExecWaitMs);
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return;
        auto message = channel.receive();
        if (!message) return;
        if (message->type == sync::MsgType::Fail) throw message->error();
    }
}

struct NamespaceKind {
    const char* name;  // under /proc/PID/ns
    int clone_flag;
};

constexpr NamespaceKind kNamespaces[] = {
    {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},         {"pid", CLONE_NEWPID},   {"net", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},        {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) < 0) throw SysError("stat " + ocirt::quoted(a));
    if (::stat(b.c_str(), &sb) < 0) throw SysError("stat " + ocirt::quoted(b));
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// namespaces(7): two processes share a namespace when its /proc/PID/ns link names the same inode.
int namespaces_to_join(pid_t init) {
    int flags = 0;
    for (const auto& ns : kNamespaces) {
        std::string theirs = "/proc/" + std::to_string(init) + "/ns/" + ns.name;
        if (::access(theirs.c_str(), F_OK) < 0 && errno == ENOENT) continue;
        if (!same_file(theirs, std::string("/proc/self/ns/") + ns.name)) flags |= ns.clone_flag;
    }
    return flags;
}

// A frozen container, created ones included, is refused: the process would freeze on joining its cgroup.
state::Record running_container(const state::OpenedContainer& c, const ExecRequest& request) {
    if (c.status == state::Status::stopped) throw state::not_running(request.id);
    if (c.frozen()) throw Error("cannot exec in the paused container " + ocirt::quoted(request.id));
    return c.record;
}

// The process and the container's seccomp filter, planned as create plans them for the init; the filter's
// load point follows the exec's own noNewPrivileges (plan_seccomp reads config.process).
plan::InitPlan plan_exec(const config::Config& config, const ExecRequest& request, const std::string& bundle,
                         const state::Record& record) {
    plan::InitPlan plan;
    plan.process = plan::make_process_plan(config, read_security_facts());
    // runc's exec joins the container's session keyring by its name (made searchable by the init), so the
    // process does not keep the caller's.
    if (!record.no_new_keyring) plan.session_keyring = plan::container_session_keyring(request.id, false);
    plan.preserve_fds = request.preserve_fds;
    // init/exec_child.cpp forks once more, into the init's PID namespace: the process is a second child.
    plan.second_fork = true;
    // runc applies the container's memory policy to an exec'd process as to the init.
    plan.memory_policy = plan::plan_memory_policy(config);
    if (config.linux_ && config.linux_->seccomp) {
        plan.seccomp = plan::plan_seccomp(*config.linux_->seccomp, config, bundle);
        if (plan.seccomp->listener) plan.seccomp->listener->id = request.id;
    }
    return plan;
}

}  // namespace

int exec_process(const ExecRequest& request) {
    // Locked until the process is in the container's namespaces and cgroup and has exec'd its program (as
    // runc's Container.Start holds its lock); a foreground exec then waits for the process unlocked.
    std::optional<state::OpenedContainer> locked(state::Store(request.root).open_for_change(request.id));
    state::Record record = running_container(*locked, request);
    UniqueFd init_pidfd = open_init_pidfd(record);
    if (!init_pidfd) throw state::not_running(request.id);
    plan::InitPlan plan = plan_exec(exec_config(request, created_config(locked->container, record.bundle), record.bundle),
                                    request, record.bundle, record);
    std::optional<TtyProxy> proxy;
    UniqueFd console;
    if (plan.process.terminal && !request.detach && request.console_socket.empty())
        proxy.emplace();
    else
        console = console_socket_for(plan.process.terminal, request.detach, request.console_socket);
    std::string pid_file;
    if (!request.pid_file.empty()) pid_file = std::filesystem::absolute(request.pid_file).lexically_normal().string();

    std::string root_path = "/proc/" + std::to_string(record.pid) + "/root";
    UniqueFd root(::open(root_path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("open " + ocirt::quoted(root_path));
    init::ExecTarget target{init_pidfd.get(), namespaces_to_join(record.pid), root.get(),
                            proxy ? proxy->child_end() : console.get()};
    // The pid might have been reused between the pidfd and the /proc lookups above.
    if (state::process_start_time(record.pid) != record.pid_start_time) throw state::not_running(request.id);

    std::unique_ptr<cgroups::Manager> cgroup = cgroups::open_recorded(record.cgroup);

    std::optional<SignalForwarder> forwarder;  // before fork, so that no signal slips by while the process starts
    if (!request.detach) forwarder.emplace();
    StartedChild started = start_exec_child(target, plan, locked->container.lock_fd());
    if (proxy) proxy->close_child_end();
    linux_::ChildProcess child = launch(plan, started, *cgroup, kExecNames);
    await_exec(started.parent_end);
    locked.reset();  // the process is in the container: a foreground exec waits for it without the lock
    if (!pid_file.empty()) write_pid_file(pid_file, child.pid());
    if (proxy) proxy->receive_master();
    if (request.detach) {
        child.release();
        return 0;
    }
    return (proxy ? proxy->run(child, *forwarder) : forwarder->wait(child)).shell_code();
}

}  // namespace ocirt::runtime
