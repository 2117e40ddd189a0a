#pragma once
// A schema-valid config.json document → the typed Config, every field. Values the schema cannot bound
// (int64 fields given an unsigned number above INT64_MAX) are reported as Diagnostics with rule "range".
#include <nlohmann/json.hpp>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace ocirt::config {

Config to_model(const nlohmann::json& doc, std::vector<Diagnostic>& problems);
// A schema-valid linux.resources document on its own; pointers are relative to it ("/memory/limit").
Resources resources_to_model(const nlohmann::json& doc, std::vector<Diagnostic>& problems);

}  // namespace ocirt::config
