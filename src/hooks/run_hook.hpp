#pragma once
// One OCI hook (config.md "POSIX-platform Hooks"): `path` executed with `args` and `env`, the container's
// state JSON on stdin, stdout and stderr captured for the error message; a hook that outlives its
// `timeout` is killed with its whole process group. Throws Error when the hook cannot run, exits
// non-zero, dies by a signal or times out.
#include <string>

#include "config/config.hpp"

namespace ocirt::hooks {

struct HookOutput {
    std::string out;  // the first kCapturedBytes of each stream
    std::string err;
};

constexpr size_t kCapturedBytes = 4096;

// `cwd` empty: the hook starts in the caller's working directory. An empty `env` inherits the
// caller's environment (as runc and crun do for a hook without env).
HookOutput run_hook(const config::Hook& hook, const std::string& state_json, const std::string& cwd);

}  // namespace ocirt::hooks
