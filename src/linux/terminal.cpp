#include "linux/terminal.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace ocirt::linux_ {

Pty open_pty(UniqueFd ptmx) {
    if (::unlockpt(ptmx.get()) < 0) throw SysError("unlockpt");
    char name[64];
    if (int err = ::ptsname_r(ptmx.get(), name, sizeof name); err != 0) throw SysError("ptsname", err);
    // ioctl_tty(2) TIOCGPTPEER: opens the peer through the master, without a path lookup in /dev/pts.
    int peer = ::ioctl(ptmx.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (peer < 0) throw SysError("open the pty peer of " + quoted(name));
    return Pty{std::move(ptmx), UniqueFd(peer), name};
}

void set_window_size(int tty_fd, uint16_t rows, uint16_t columns) {
    winsize size{};
    size.ws_row = rows;
    size.ws_col = columns;
    if (::ioctl(tty_fd, TIOCSWINSZ, &size) < 0) throw SysError("set the console size");
}

void give_pty_to(const Pty& pty, uid_t uid) {
    if (::fchown(pty.peer.get(), uid, static_cast<gid_t>(-1)) < 0)
        throw SysError("chown " + quoted(pty.peer_path) + " to uid " + std::to_string(uid));
}

UniqueFd connect_console_socket(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) throw Error("console socket path " + quoted(path) + " is too long");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) throw SysError("socket");
    int rc;
    do rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) throw SysError("connect to the console socket " + quoted(path));
    return fd;
}

void send_fd(int socket_fd, int fd, const std::string& name) {
    std::string payload = name.empty() ? std::string("/") : name;
    iovec iov{payload.data(), payload.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    ssize_t n;
    do n = ::sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError("send the pty master on the console socket");
}

UniqueFd receive_fd(int socket_fd, std::string* name) {
    char buffer[4096];
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError("receive the pty master");
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (n == 0 || !cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS)
        throw Error("receive the pty master: no fd came with the message");
    int fd;
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    if (name) name->assign(buffer, static_cast<size_t>(n));
    return UniqueFd(fd);
}

void make_controlling_terminal(int tty_fd) {
    if (::setsid() < 0) throw SysError("setsid");
    // ioctl_tty(2) TIOCSCTTY: a session leader without a controlling terminal takes this one.
    if (::ioctl(tty_fd, TIOCSCTTY, 0) < 0) throw SysError("make the pty the controlling terminal");
    for (int target = 0; target <= 2; ++target)
        if (::dup2(tty_fd, target) < 0) throw SysError("dup the pty onto fd " + std::to_string(target));
}

}  // namespace ocirt::linux_
