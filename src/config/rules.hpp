#pragma once
// Semantic checks that a JSON Schema cannot express, from the MUSTs of config.md and config-linux.md.
// Each rule has a name; its Diagnostics carry rule "rule: <name>".
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "config/diagnostic.hpp"

namespace ocirt::config {

struct RuleInput {
    const Config& config;
    std::string root_resolved;  // root.path resolved against the bundle directory (absolute)
};

struct Rule {
    std::string_view name;
    void (*check)(const RuleInput&, std::vector<Diagnostic>&);
};

std::span<const Rule> rules();

// config.md "Linux Process": true when a capability name the runtime cannot map must fail the config
// (ociVersion 1.0.x, and a version that is not SemVer); from 1.1.0 on it is a warning.
bool unknown_capability_is_error(std::string_view oci_version);
// runtime.md "Lifecycle" step 9: from 1.3.0 on a failing poststart hook is an error that stops the container;
// before (and for a version that is not SemVer 1.x) it is a warning.
bool poststart_failure_is_error(std::string_view oci_version);
std::vector<Diagnostic> check_rules(const RuleInput& input);

}  // namespace ocirt::config
