#include "state/saved_hooks.hpp"

#include "util/json_integer.hpp"

namespace ocirt::state {
namespace {

nlohmann::json hook_to_json(const config::Hook& hook) {
    nlohmann::json j = {{"path", hook.path}};
    if (!hook.args.empty()) j["args"] = hook.args;
    if (!hook.env.empty()) j["env"] = hook.env;
    if (hook.timeout) j["timeout"] = *hook.timeout;
    return j;
}

config::Hook hook_from_json(const nlohmann::json& j) {
    config::Hook hook;
    hook.path = j.at("path").get<std::string>();
    hook.args = j.value("args", std::vector<std::string>{});
    hook.env = j.value("env", std::vector<std::string>{});
    if (j.contains("timeout")) hook.timeout = integer_at(j, "timeout", int32_t{0});
    return hook;
}

std::vector<config::Hook> list_from_json(const nlohmann::json& j, const char* key) {
    std::vector<config::Hook> list;
    if (j.contains(key))
        for (const auto& item : j.at(key)) list.push_back(hook_from_json(item));
    return list;
}

}  // namespace

nlohmann::json saved_hooks_to_json(const config::Hooks& hooks) {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, list] : {std::pair{"poststart", &hooks.poststart}, std::pair{"poststop", &hooks.poststop}}) {
        if (list->empty()) continue;
        for (const auto& hook : *list) j[key].push_back(hook_to_json(hook));
    }
    return j;
}

config::Hooks saved_hooks_from_json(const nlohmann::json& j) {
    config::Hooks hooks;
    if (!j.is_object()) return hooks;
    hooks.poststart = list_from_json(j, "poststart");
    hooks.poststop = list_from_json(j, "poststop");
    return hooks;
}

}  // namespace ocirt::state
