#pragma once
// The hooks that `start` and `delete` run (poststart, poststop), kept in state.json as config.json had
// them at create: runtime.md "Lifecycle" step 2, later edits of config.json MUST NOT affect the container.
#include <nlohmann/json.hpp>

#include "config/config.hpp"

namespace ocirt::state {

// {"poststart": [...], "poststop": [...]}, each list only when it is not empty; the other points are left out.
nlohmann::json saved_hooks_to_json(const config::Hooks& hooks);
config::Hooks saved_hooks_from_json(const nlohmann::json& j);

}  // namespace ocirt::state
