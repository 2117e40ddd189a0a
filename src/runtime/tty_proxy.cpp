#include "runtime/tty_proxy.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "linux/terminal.hpp"
#include "linux/unix_socket.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

}  // namespace

TtyProxy::TtyProxy() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) throw SysError("socketpair for the pty master");
    parent_end_.reset(fds[0]);
    child_end_.reset(fds[1]);
}

TtyProxy::~TtyProxy() {
    if (raw_) ::tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_);
}

void TtyProxy::receive_master() {
    master_ = with_context("receive the pty master", [&] { return linux_::receive_fd(parent_end_.get()); });
    parent_end_.reset();
    copy_window_size();
    // termios(3) cfmakeraw: keys reach the process's pty untouched; its own line discipline echoes them.
    if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
        termios raw = saved_;
        ::cfmakeraw(&raw);
        raw_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
}

void TtyProxy::copy_window_size() const {
    winsize size{};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &size) < 0 || (size.ws_row == 0 && size.ws_col == 0)) return;
    // ioctl_tty(2) TIOCSWINSZ: the kernel sends SIGWINCH to the pty's foreground process group itself.
    if (::ioctl(master_.get(), TIOCSWINSZ, &size) < 0) log::debug("resize the exec's pty: " + std::string(strerror(errno)));
}

bool TtyProxy::pump(int from, int to) const {
    char buffer[8192];
    ssize_t n;
    do n = ::read(from, buffer, sizeof buffer);
    while (n < 0 && errno == EINTR);
    // pty(7): once every fd of the peer is closed, reading the master fails with EIO.
    if (n <= 0) return false;
    return write_all(to, buffer, static_cast<size_t>(n));
}

linux_::ExitStatus TtyProxy::run(linux_::ChildProcess& child, SignalForwarder& signals) {
    bool stdin_open = true, master_open = true;
    for (;;) {
        pollfd fds[4] = {{signals.fd(), POLLIN, 0},
                         {child.pidfd(), POLLIN, 0},
                         {master_open ? master_.get() : -1, POLLIN, 0},
                         {stdin_open && master_open ? STDIN_FILENO : -1, POLLIN, 0}};
        if (::poll(fds, 4, -1) < 0) {
            if (errno == EINTR) continue;
            throw SysError("poll");
        }
        if (fds[0].revents & POLLIN) {
            if (auto sig = signals.take_signal()) {
                if (*sig == SIGWINCH) {
                    copy_window_size();
                } else {
                    try {
                        child.signal(*sig);
                    } catch (const Error& e) {
                        log::debug(e.full());
                    }
                }
            }
        }
        if (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) master_open = pump(master_.get(), STDOUT_FILENO);
        if (fds[3].revents & (POLLIN | POLLHUP | POLLERR)) stdin_open = pump(STDIN_FILENO, master_.get());
        if (fds[1].revents & POLLIN) break;
    }
    // The process is gone: what it wrote last may still wait in the master (or a child it left holds the pty).
    if (master_open && ::fcntl(master_.get(), F_SETFL, O_NONBLOCK) == 0)
        while (pump(master_.get(), STDOUT_FILENO)) {
        }
    return child.wait();
}

}  // namespace ocirt::runtime
