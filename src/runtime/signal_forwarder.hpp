#pragma once
// A foreground runtime (`run`, `exec` without -d) passes the signals it gets on to the container's
// process, as runc does, and waits for that process to exit.
#include <signal.h>

#include <optional>

#include "linux/child_process.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {

class SignalForwarder {
public:
    // Blocks the forwarded signals (they queue on a signalfd from now on); the destructor unblocks them.
    SignalForwarder();
    ~SignalForwarder();
    SignalForwarder(const SignalForwarder&) = delete;
    SignalForwarder& operator=(const SignalForwarder&) = delete;

    // Returns when `child` has exited (it must be our child: it is reaped).
    linux_::ExitStatus wait(linux_::ChildProcess& child);

    // For a caller with its own poll loop: the signalfd, and the signal queued on it (nullopt when none).
    int fd() const { return signal_fd_.get(); }
    std::optional<int> take_signal();

private:
    sigset_t previous_{};
    UniqueFd signal_fd_;
};

}  // namespace ocirt::runtime
