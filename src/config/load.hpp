#pragma once
// config.json → Config: parse (nlohmann, errors with line:column), schema check (valijson, embedded
// schemas), semantic rules. Every problem is collected, so `ocirt check` can print them all at once.
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace ocirt::config {

struct LoadResult {
    std::optional<Config> config;      // set only when diagnostics is empty
    std::vector<Diagnostic> diagnostics;
};

// Reads <bundle_dir>/config.json; never throws for a bad config, only reports.
LoadResult load_bundle(const std::string& bundle_dir);
// The same for a config text; root.path is resolved against bundle_dir.
LoadResult load_config_text(const std::string& text, const std::string& bundle_dir);

// load_bundle, and on any problem throws an Error naming the first diagnostic's pointer and rule. With
// `loaded_text`, the bytes of config.json that were validated are handed back, so that a caller can keep
// exactly what it checked (config.json may change on disk meanwhile).
Config load_bundle_or_throw(const std::string& bundle_dir, std::string* loaded_text = nullptr);

}  // namespace ocirt::config
