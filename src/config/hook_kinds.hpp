#pragma once
// The hook lists of config.json (config.md "POSIX-platform Hooks"), each with the Hooks member the loader
// fills: one table for the loader, the rules and `ocirt features`.
#include <vector>

#include "config/config.hpp"

namespace ocirt::config {

struct HookKind {
    const char* name;  // the key under "hooks"
    std::vector<Hook> Hooks::*list;
};

inline constexpr HookKind kHookKinds[] = {
    {"prestart", &Hooks::prestart},
    {"createRuntime", &Hooks::createRuntime},
    {"createContainer", &Hooks::createContainer},
    {"startContainer", &Hooks::startContainer},
    {"poststart", &Hooks::poststart},
    {"poststop", &Hooks::poststop},
};

}  // namespace ocirt::config
