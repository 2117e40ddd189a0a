#include "runtime/signal_forwarder.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

// The signals a foreground runtime passes on rather than acting on itself (as runc does).
constexpr int kForwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGPIPE, SIGALRM, SIGCONT};

}  // namespace

SignalForwarder::SignalForwarder() {
    sigset_t forwarded;
    sigemptyset(&forwarded);
    for (int sig : kForwarded) sigaddset(&forwarded, sig);
    // signalfd(2): the signals are blocked so they queue on the fd instead of acting on us.
    if (::sigprocmask(SIG_BLOCK, &forwarded, &previous_) < 0) throw SysError("sigprocmask");
    signal_fd_.reset(::signalfd(-1, &forwarded, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signal_fd_) {
        int err = errno;
        ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
        throw SysError("signalfd", err);
    }
}

SignalForwarder::~SignalForwarder() { ::sigprocmask(SIG_SETMASK, &previous_, nullptr); }

linux_::ExitStatus SignalForwarder::wait(linux_::ChildProcess& child) {
    for (;;) {
        pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {child.pidfd(), POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            throw SysError("poll");
        }
        if (fds[1].revents & POLLIN) return child.wait();
        if (fds[0].revents & POLLIN) {
            auto sig = take_signal();
            if (!sig) continue;
            try {
                child.signal(*sig);
            } catch (const Error& e) {
                log::debug(e.full());
            }
        }
    }
}

std::optional<int> SignalForwarder::take_signal() {
    signalfd_siginfo info{};
    if (::read(signal_fd_.get(), &info, sizeof info) != sizeof info) return std::nullopt;
    return static_cast<int>(info.ssi_signo);
}

}  // namespace ocirt::runtime
