#pragma once
// `exec -t`, or `run` of a terminal process, in the foreground without --console-socket (as runc): the
// process's pty master comes back to
// us over a socketpair, our terminal goes raw, and we copy our stdin to the master and the master to our
// stdout until the process exits; a SIGWINCH we get resizes the pty instead of being forwarded.
#include <termios.h>

#include "linux/child_process.hpp"
#include "runtime/signal_forwarder.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {

class TtyProxy {
public:
    TtyProxy();  // the socketpair
    ~TtyProxy();
    TtyProxy(const TtyProxy&) = delete;
    TtyProxy& operator=(const TtyProxy&) = delete;

    int child_end() const { return child_end_.get(); }  // the console socket the process sends on
    void close_child_end() { child_end_.reset(); }
    void use() { used_ = true; }  // create: the init got child_end() as its console socket
    bool used() const { return used_; }
    // After the process reported Ready: takes the master and gives it our window size.
    void receive_master();
    // Copies until `child` has exited and the master is drained; returns how the child ended.
    linux_::ExitStatus run(linux_::ChildProcess& child, SignalForwarder& signals);

private:
    void copy_window_size() const;
    bool pump(int from, int to) const;  // false at EOF or EIO

    UniqueFd parent_end_, child_end_, master_;
    termios saved_{};  // our stdin's mode before it went raw
    bool raw_ = false;
    bool used_ = false;
};

}  // namespace ocirt::runtime
