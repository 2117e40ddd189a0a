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

// The number `name` has in `table`.
std::optional<int> named_number(std::span<const NamedNumber> table, std::string_view name);

// "RLIMIT_NOFILE" → RLIMIT_NOFILE.
std::optional<int> rlimit_resource(std::string_view name);

}  // namespace ocirt::config
