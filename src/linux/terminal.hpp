#pragma once
// Pseudo-terminals for a container's process (pty(7), ioctl_tty(2)).
#include <sys/types.h>

#include <cstdint>
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

struct Pty {
    UniqueFd master;
    UniqueFd peer;
    std::string peer_path;  // "/dev/pts/N" as the devpts instance that made it names it
};

// `ptmx` is an open /dev/ptmx (O_RDWR | O_NOCTTY) of the container's devpts instance.
Pty open_pty(UniqueFd ptmx);
void set_window_size(int tty_fd, uint16_t rows, uint16_t columns);
// The peer belongs to the process's user, its group left as devpts made it (as runc and login(1) do).
void give_pty_to(const Pty& pty, uid_t uid);

// setsid(2), TIOCSCTTY, and `tty_fd` on stdin, stdout and stderr.
void make_controlling_terminal(int tty_fd);

}  // namespace ocirt::linux_
