#pragma once
// A child process held by its pidfd (pidfd_open(2)): it can be polled, signalled and reaped without pid
// reuse races. Unless released, the destructor kills and reaps it, so a failed create leaves no process.
#include <sys/types.h>

#include <optional>
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

struct ExitStatus {
    bool signaled = false;
    int value = 0;  // exit code, or the signal number when signaled
    int shell_code() const { return signaled ? 128 + value : value; }
    std::string describe() const;  // "exit status 3", "killed by signal 9 (Killed)"
};

UniqueFd open_pidfd(pid_t pid);

class ChildProcess {
public:
    ChildProcess() = default;
    explicit ChildProcess(pid_t pid);  // opens its pidfd
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    int pidfd() const { return pidfd_.get(); }
    explicit operator bool() const { return pid_ > 0; }

    void signal(int sig) const;                  // pidfd_send_signal(2)
    bool exited(int timeout_ms = 0) const;       // the pidfd polls readable once the process has exited
    ExitStatus wait();                           // waitid(P_PIDFD); the process must be our child
    std::optional<ExitStatus> status() const { return status_; }
    void kill_and_reap() noexcept;               // SIGKILL + wait, ignoring errors
    pid_t release();                             // forget it: it outlives us

private:
    pid_t pid_ = -1;
    UniqueFd pidfd_;
    std::optional<ExitStatus> status_;
};

}  // namespace ocirt::linux_
