#include "init/console.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>

#include "linux/mounts.hpp"
#include "linux/resolve.hpp"
#include "linux/terminal.hpp"
#include "linux/unix_socket.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

linux_::Pty make_sized_pty(const plan::ProcessPlan& process, UniqueFd ptmx) {
    linux_::Pty pty = linux_::open_pty(std::move(ptmx));
    if (process.console_rows || process.console_columns)
        linux_::set_window_size(pty.master.get(), process.console_rows, process.console_columns);
    linux_::give_pty_to(pty, process.uid);
    return pty;
}

void hand_over(linux_::Pty& pty, int console_socket) {
    with_context("send the pty master on the console socket", [&] { linux_::send_with_fd(console_socket, pty.peer_path, pty.master.get()); });
    pty.master.reset();
    linux_::make_controlling_terminal(pty.peer.get());
}

// CVE-2025-52565: /dev/console may be a symlink in the rootfs or a shared /dev (to a procfs file, to a host
// file); the pty is bound only on a regular file or device node in /dev itself, never through a symlink.
UniqueFd console_target(int root_fd) {
    UniqueFd dev = linux_::make_in_root(root_fd, "/dev", false);
    struct stat st {};
    if (::fstatat(dev.get(), "console", &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno != ENOENT) throw SysError("stat /dev/console");
        UniqueFd made(::openat(dev.get(), "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
        if (!made) throw SysError("create /dev/console");
    }
    UniqueFd console(::openat(dev.get(), "console", O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!console || ::fstat(console.get(), &st) < 0) throw SysError("open /dev/console");
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        throw Error("/dev/console in the container is not a file or a device node (a symlink?), refusing to bind the console on it");
    return console;
}

}  // namespace

void setup_console(const InitContext& ctx, int root_fd) {
    if (!ctx.plan.process.terminal) return;
    if (ctx.fds.console_socket < 0) throw ConfigError("/process/terminal", "process.terminal needs a console socket");
    // pts(4): /dev/ptmx links to pts/ptmx, so the pty comes from the container's devpts instance.
    linux_::Pty pty = make_sized_pty(ctx.plan.process, linux_::open_in_root(root_fd, "/dev/ptmx", O_RDWR | O_NOCTTY));
    UniqueFd console = console_target(root_fd);
    linux_::mount_at(linux_::fd_path(pty.peer.get()), linux_::fd_path(console.get()), "/dev/console", "", MS_BIND, "");
    hand_over(pty, ctx.fds.console_socket);
    ::close(ctx.fds.console_socket);
    ctx.step("console " + pty.peer_path);
}

void setup_exec_terminal(const plan::ProcessPlan& process, int console_socket) {
    if (!process.terminal) return;
    UniqueFd ptmx(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!ptmx) throw SysError("open /dev/ptmx");
    linux_::Pty pty = make_sized_pty(process, std::move(ptmx));
    hand_over(pty, console_socket);
}

}  // namespace ocirt::init
