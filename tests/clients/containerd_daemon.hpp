#pragma once
// A private containerd for the containerd cases: its own config.toml with root, state, sockets and opt path
// in a temp dir (CRI plugin off), its own namespace (ocirt-it-<pid>), the busybox image imported. Started
// on first use, one per test run; stopped at exit, which removes everything it and its shims left behind.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "clients.hpp"

namespace ocirt::clients {

// One row of `ctr task ls`; status is "" when the container has no task.
struct TaskInfo {
    pid_t pid = 0;
    std::string status;  // CREATED, RUNNING, PAUSED, STOPPED
};

class ContainerdDaemon {
public:
    // The running daemon; starts it (again, after stop()) when needed.
    static ContainerdDaemon& instance();
    // The daemon if it is running, without starting it; nullptr otherwise.
    static ContainerdDaemon* running();

    const std::string& ns() const { return ns_; }
    // ctr --address <our socket> -n <ns> args...
    std::vector<std::string> ctr_argv(const std::vector<std::string>& args) const;
    test::Result ctr(const std::vector<std::string>& args) const;
    // Flags for `ctr run` (FIFO dir, runtime under test) and `ctr task exec` (FIFO dir): the FIFOs go to
    // our dir because ctr leaves the FIFO dir of a detached process behind in /run/containerd/fifo.
    std::vector<std::string> run_flags() const;
    std::vector<std::string> exec_flags() const;
    TaskInfo task(const std::string& id) const;
    // Best effort, no assertion: kills all of the container's processes, deletes its task and the container
    // with its snapshot.
    void remove_container(const std::string& id) const;

    // Stops the daemon and removes what it, the shims and the runtime left: mounts and files under our dir,
    // the `<ns>` cgroup parents the shim leaves, the runtime root /run/containerd/runc/<ns>. Returns what a
    // clean run does not leave behind (empty when all is well). No-op when not running.
    std::vector<std::string> stop();

    ~ContainerdDaemon();
    ContainerdDaemon(const ContainerdDaemon&) = delete;
    ContainerdDaemon& operator=(const ContainerdDaemon&) = delete;

private:
    ContainerdDaemon() = default;
    static ContainerdDaemon& storage();
    void start();
    std::string socket() const { return dir_ + "/containerd.sock"; }

    std::string ns_;
    std::string dir_;  // empty when not running
    pid_t pid_ = -1;
};

}  // namespace ocirt::clients
