#pragma once
// `run`: create + start; in the foreground it forwards signals to the init, waits for it, removes the
// container (unless kept) and returns the exit code (128+N for signal N).
#include "runtime/create.hpp"

namespace ocirt::runtime {

struct RunRequest {
    CreateRequest create;
    bool detach = false;
    bool keep = false;
};

int run_container(const RunRequest& request);

// Removes a container whose init has exited: kills what is left in its cgroup, removes the cgroup and
// the state directory.
void remove_stopped_container(const std::string& root, const std::string& id);

}  // namespace ocirt::runtime
