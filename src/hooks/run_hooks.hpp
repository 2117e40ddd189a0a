#pragma once
// The hooks of one lifecycle point, in the listed order (config.md "POSIX-platform Hooks"), each given
// the same state JSON on stdin.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace ocirt::hooks {

enum class OnFailure {
    fail,  // the first failure throws "<point> hook #N (\"path\"): ..." and the rest do not run
    warn,  // each failure is logged as a warning and the rest still run (poststop; poststart of 1.0-1.2 configs)
};

void run_hooks(std::string_view point, const std::vector<config::Hook>& hooks, const std::string& state_json,
               OnFailure on_failure, const std::string& cwd);

}  // namespace ocirt::hooks
