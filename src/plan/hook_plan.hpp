#pragma once
// The init's part of the hooks: whether it asks the parent to run prestart/createRuntime (HooksPlease →
// HooksDone), and the createContainer and startContainer hooks it runs itself.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace ocirt::plan {

struct HookPlan {
    bool ask_parent = false;  // any of prestart, createRuntime, createContainer, startContainer
    std::vector<config::Hook> create_container;
    std::vector<config::Hook> start_container;
    std::string cwd;       // the bundle: createContainer hooks run there, before pivot_root
    nlohmann::json state;  // the OCI state for the init's hooks; HooksDone brings its pid
};

HookPlan plan_hooks(const config::Hooks& hooks, const std::string& bundle);

}  // namespace ocirt::plan
