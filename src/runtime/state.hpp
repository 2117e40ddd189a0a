#pragma once
// `state`: one container's state (runtime.md "Query State") with its status derived now.
#include <string>

#include <nlohmann/json.hpp>

namespace ocirt::runtime {

// runc's fields and key order (state/record.hpp oci_state_ordered). Throws Error when the container does
// not exist.
nlohmann::ordered_json container_state(const std::string& root, const std::string& id);

}  // namespace ocirt::runtime
