#pragma once
// process.capabilities → the five capability masks, checked against the rules capset(2) and prctl(2)
// enforce so that a config the kernel would refuse fails at create, naming its pointer.
#include <optional>
#include <string>

#include "plan/process_attributes.hpp"
#include "spec/config.hpp"

namespace ocirt::plan {

// `base` is the pointer of the process object ("/process" in config.json, "" in an exec process.json).
CapabilitySets plan_capabilities(const std::optional<spec::Capabilities>& caps, const std::string& base);

}  // namespace ocirt::plan
