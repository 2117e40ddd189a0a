#include "runtime/exec_spec.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "config/load.hpp"
#include "config/parse_json.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

using nlohmann::json;

json parse_or_throw(const std::string& text, const std::string& name) {
    config::ParsedJson parsed = config::parse_json(text);
    if (parsed.error) throw Error(parsed.error->describe()).context(name);
    return std::move(*parsed.doc);
}

uint32_t parse_id(const std::string& text, const std::string& what) {
    uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        throw Error("--user: " + what + " " + ocirt::quoted(text) + " is not a number");
    return value;
}

void set_env(json& env, const std::string& entry) {
    std::string key = entry.substr(0, entry.find('=')) + "=";
    for (auto& existing : env)
        if (existing.is_string() && existing.get<std::string>().rfind(key, 0) == 0) {
            existing = entry;
            return;
        }
    env.push_back(entry);
}

// runc's exec: the config's process with the command line's changes.
void apply_flags(json& process, const ExecRequest& request) {
    process["args"] = request.args;
    process["terminal"] = request.tty;
    if (request.cwd) process["cwd"] = *request.cwd;
    if (!request.env.empty()) {
        json& env = process["env"];
        if (!env.is_array()) env = json::array();
        for (const auto& entry : request.env) set_env(env, entry);
    }
    if (request.user) {
        const std::string& user = *request.user;
        size_t colon = user.find(':');
        process["user"]["uid"] = parse_id(user.substr(0, colon), "uid");
        if (colon != std::string::npos) process["user"]["gid"] = parse_id(user.substr(colon + 1), "gid");
    }
    if (!request.additional_gids.empty()) process["user"]["additionalGids"] = request.additional_gids;
    if (!request.capabilities.empty()) {
        json& caps = process["capabilities"];
        if (!caps.is_object()) caps = json::object();
        // capabilities(7): an ambient capability must also be inheritable, which --cap does not make it.
        for (const char* set : {"bounding", "effective", "permitted", "ambient"}) {
            if (std::string(set) == "ambient" && !caps.contains("inheritable")) continue;
            json& list = caps[set];
            if (!list.is_array()) list = json::array();
            for (const auto& cap : request.capabilities)
                if (std::find(list.begin(), list.end(), cap) == list.end()) list.push_back(cap);
        }
    }
    if (request.no_new_privileges) process["noNewPrivileges"] = true;
}

std::string strip_prefix(const std::string& pointer, const std::string& prefix) {
    if (pointer == prefix) return "";
    if (pointer.rfind(prefix + "/", 0) == 0) return pointer.substr(prefix.size());
    return pointer;
}

}  // namespace

ConfigText created_config(const state::Container& container, const std::string& bundle) {
    if (std::optional<std::string> saved = container.saved_config()) return {std::move(*saved), container.saved_config_path()};
    std::string path = bundle + "/config.json";
    log::debug("exec: " + ocirt::quoted(container.dir()) + " holds no copy of the config from create; reading " +
               ocirt::quoted(path));
    return {read_file(path), path};
}

config::Config exec_config(const ExecRequest& request, const ConfigText& created, const std::string& bundle) {
    json config = parse_or_throw(created.text, created.path);
    bool from_file = !request.process_file.empty();
    if (from_file) {
        json process = parse_or_throw(read_file(request.process_file), "process file " + ocirt::quoted(request.process_file));
        // config.md: execCPUAffinity does not apply to the init; in config.json it is what exec'd processes
        // get unless their own process says otherwise, as runc takes it (containerd and podman always exec
        // with --process).
        if (process.is_object() && !process.contains("execCPUAffinity") && config["process"].is_object() &&
            config["process"].contains("execCPUAffinity"))
            process["execCPUAffinity"] = config["process"]["execCPUAffinity"];
        config["process"] = std::move(process);
    } else {
        if (!config["process"].is_object()) config["process"] = json::object();
        apply_flags(config["process"], request);
    }
    config::LoadResult loaded = config::load_config_text(config.dump(), bundle);
    if (loaded.config && loaded.config->process) return std::move(*loaded.config);
    if (loaded.diagnostics.empty()) throw Error("the container's config has no process");
    const config::Diagnostic& first = loaded.diagnostics.front();
    std::string problem = first.message + " (" + first.rule + ")";
    if (!from_file) throw ConfigError(first.pointer, problem).context("exec process");
    throw ConfigError(strip_prefix(first.pointer, "/process"), problem).context("process file " + ocirt::quoted(request.process_file));
}

}  // namespace ocirt::runtime
