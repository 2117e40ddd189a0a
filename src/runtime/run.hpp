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

}  // namespace ocirt::runtime
