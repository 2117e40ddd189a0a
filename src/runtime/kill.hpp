#pragma once
// `kill`: send a signal to a container's init, or with `all` to every process in its cgroup.
#include <csignal>
#include <string>

namespace ocirt::runtime {

struct KillRequest {
    std::string root;
    std::string id;
    int signal = SIGTERM;
    bool all = false;
};

// runtime.md "Kill": the container must be created or running (paused too: the signal waits for resume).
void kill_container(const KillRequest& request);

}  // namespace ocirt::runtime
