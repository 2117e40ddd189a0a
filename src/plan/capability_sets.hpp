#pragma once
// process.capabilities → the five capability masks, checked against the rules capset(2) and prctl(2)
// enforce so that a config the kernel would refuse fails at create, naming its pointer.
#include <optional>
#include <string>

#include "plan/process_attributes.hpp"
#include "config/config.hpp"

namespace ocirt::plan {

// `base` is the pointer of the process object ("/process" in config.json, "" in an exec process.json).
// An unknown name throws when `unknown_is_error` (ociVersion 1.0.x), else it is logged as a warning and
// left out (config::unknown_capability_is_error).
CapabilitySets plan_capabilities(const std::optional<config::Capabilities>& caps, const std::string& base,
                                 bool unknown_is_error = true);

}  // namespace ocirt::plan
