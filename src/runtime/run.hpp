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

// `ocirt run DIR`: when the ID argument is no valid container ID but a directory holding a config.json (and
// no --bundle was given), that directory becomes the bundle and the ID is made from its name, unique among
// the containers under request.root; returns whether it did. A valid ID keeps runc's meaning.
bool take_bundle_argument(CreateRequest& request);

}  // namespace ocirt::runtime
