#pragma once
// Names the spec takes from the kernel: rlimits (getrlimit(2)); capabilities are linux/capabilities.hpp's.
#include <optional>
#include <span>
#include <string_view>

namespace ocirt::config {

struct NamedNumber {
    std::string_view name;
    int number;
};

// "RLIMIT_NOFILE" → RLIMIT_NOFILE.
std::span<const NamedNumber> rlimit_names();
std::optional<int> rlimit_resource(std::string_view name);

}  // namespace ocirt::config
