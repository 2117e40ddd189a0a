#include "runtime/run.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/delete.hpp"
#include "runtime/start.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::runtime {
namespace {

// The signals `run` passes on to the container's init rather than acting on itself (as runc does).
constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGPIPE, SIGALRM, SIGCONT};

linux_::ExitStatus wait_forwarding_signals(linux_::ChildProcess& init, int signal_fd) {
    for (;;) {
        pollfd fds[2] = {{signal_fd, POLLIN, 0}, {init.pidfd(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw SysError("poll");
        }
        if (fds[1].revents & POLLIN) return init.wait();
        if (fds[0].revents & POLLIN) {
            signalfd_siginfo info{};
            if (::read(signal_fd, &info, sizeof info) != sizeof info) continue;
            try {
                init.signal(static_cast<int>(info.ssi_signo));
            } catch (const Error& e) {
                log::debug(e.full());
            }
        }
    }
}

}  // namespace

int run_container(const RunRequest& request) {
    linux_::ChildProcess init = create_container(request.create);
    if (request.detach) {
        start_container(request.create.root, request.create.id);
        init.release();
        return 0;
    }
    sigset_t forwarded, previous;
    sigemptyset(&forwarded);
    for (int sig : kForwarded) sigaddset(&forwarded, sig);
    // signalfd(2): the signals are blocked so they queue on the fd instead of acting on us.
    if (::sigprocmask(SIG_BLOCK, &forwarded, &previous) < 0) throw SysError("sigprocmask");
    ScopeExit restore([&] { ::sigprocmask(SIG_SETMASK, &previous, nullptr); });
    int raw = ::signalfd(-1, &forwarded, SFD_CLOEXEC | SFD_NONBLOCK);
    if (raw < 0) throw SysError("signalfd");
    UniqueFd signal_fd(raw);

    ScopeExit remove([&] {
        if (request.keep) return;
        try {
            delete_container({request.create.root, request.create.id, /*force=*/true});
        } catch (const Error& e) {
            log::warn("remove container " + ocirt::quoted(request.create.id) + ": " + e.full());
        }
    });
    try {
        start_container(request.create.root, request.create.id);
    } catch (...) {
        init.kill_and_reap();
        throw;
    }
    linux_::ExitStatus status = wait_forwarding_signals(init, signal_fd.get());
    sync::log_step("parent", "init exited: " + status.describe());
    return status.shell_code();
}

}  // namespace ocirt::runtime
