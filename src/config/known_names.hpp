#pragma once
// Names the spec takes from the kernel: capabilities (capabilities(7)) and rlimits (getrlimit(2)).
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

// "CAP_CHOWN" → 0, ..., "CAP_CHECKPOINT_RESTORE" → 40.
std::span<const NamedNumber> capability_names();
std::optional<int> capability_number(std::string_view name);

// "RLIMIT_NOFILE" → RLIMIT_NOFILE.
std::optional<int> rlimit_resource(std::string_view name);

}  // namespace ocirt::config
