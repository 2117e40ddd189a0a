#include "linux/child_process.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

// pidfd_open(2), pidfd_send_signal(2) by syscall: glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.
int sys_pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int sys_pidfd_send_signal(int pidfd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

}  // namespace

std::string ExitStatus::describe() const {
    if (!signaled) return "exit status " + std::to_string(value);
    return "killed by signal " + std::to_string(value) + " (" + strsignal(value) + ")";
}

UniqueFd open_pidfd(pid_t pid) {
    int fd = sys_pidfd_open(pid);
    if (fd < 0) throw SysError("pidfd_open " + std::to_string(pid));
    return UniqueFd(fd);
}

ChildProcess::ChildProcess(pid_t pid) : pid_(pid) {
    try {
        pidfd_ = open_pidfd(pid);
    } catch (...) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        throw;
    }
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::move(other.pidfd_)), status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::move(other.pidfd_);
        status_ = other.status_;
    }
    return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::signal(int sig) const {
    if (sys_pidfd_send_signal(pidfd_.get(), sig) < 0)
        throw SysError("signal " + std::to_string(sig) + " to pid " + std::to_string(pid_));
}

bool ChildProcess::exited(int timeout_ms) const {
    pollfd p{pidfd_.get(), POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) > 0;
}

ExitStatus ChildProcess::wait() {
    if (status_) return *status_;
    siginfo_t info{};
    int rc;
    do rc = ::waitid(P_PIDFD, static_cast<id_t>(pidfd_.get()), &info, WEXITED);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) throw SysError("wait for pid " + std::to_string(pid_));
    ExitStatus s;
    s.signaled = info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED;
    s.value = info.si_status;
    status_ = s;
    return s;
}

void ChildProcess::kill_and_reap() noexcept {
    if (pid_ <= 0 || !pidfd_ || status_) return;
    sys_pidfd_send_signal(pidfd_.get(), SIGKILL);
    try {
        wait();
    } catch (...) {
    }
}

pid_t ChildProcess::release() {
    pidfd_.reset();
    return std::exchange(pid_, -1);
}

}  // namespace ocirt::linux_
