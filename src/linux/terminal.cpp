#include "linux/terminal.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

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

void make_controlling_terminal(int tty_fd) {
    if (::setsid() < 0) throw SysError("setsid");
    // ioctl_tty(2) TIOCSCTTY: a session leader without a controlling terminal takes this one.
    if (::ioctl(tty_fd, TIOCSCTTY, 0) < 0) throw SysError("make the pty the controlling terminal");
    for (int target = 0; target <= 2; ++target)
        if (::dup2(tty_fd, target) < 0) throw SysError("dup the pty onto fd " + std::to_string(target));
}

}  // namespace ocirt::linux_
