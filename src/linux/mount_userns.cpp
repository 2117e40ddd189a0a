#include "linux/mount_userns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "linux/child_process.hpp"
#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

void write_map(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open " + quoted(path));
    UniqueFd file(fd);
    // user_namespaces(7): the whole map goes in one write(2).
    if (::write(file.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw SysError("write " + quoted(path));
}

// The child's pid as /proc names it: the init may sit in a new PID namespace while /proc is the host's.
[[noreturn]] void hold_namespace(int report_fd, pid_t parent) {
    // prctl(2) PR_SET_PDEATHSIG: the holder dies with the init even if the init is killed outright.
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || ::getppid() != parent) ::_exit(1);
    char self[32];
    ssize_t n = ::readlink("/proc/self", self, sizeof self);
    if (n > 0 && ::write(report_fd, self, static_cast<size_t>(n)) != n) ::_exit(1);
    for (;;) ::pause();
}

}  // namespace

UniqueFd mapped_user_namespace(const std::vector<IdRange>& uid_map, const std::vector<IdRange>& gid_map) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) < 0) throw SysError("pipe");
    UniqueFd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    pid_t parent = ::getpid();
    // clone(2) CLONE_NEWUSER: the child is born in the new namespace; its parent writes the maps.
    long pid = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid < 0) throw SysError("create a user namespace for an idmapped mount");
    if (pid == 0) hold_namespace(write_end.get(), parent);
    ChildProcess holder(static_cast<pid_t>(pid));
    write_end.reset();
    char buf[32];
    ssize_t n;
    do n = ::read(read_end.get(), buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n <= 0) throw Error("the user namespace of an idmapped mount: its holder ended before it was mapped");
    std::string proc = "/proc/" + std::string(buf, static_cast<size_t>(n));
    write_map(proc + "/uid_map", id_map_text(uid_map));
    write_map(proc + "/gid_map", id_map_text(gid_map));
    int fd = ::open((proc + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open " + quoted(proc + "/ns/user"));
    return UniqueFd(fd);
}

}  // namespace ocirt::linux_
