#pragma once
// The five capability sets of capabilities(7), by the capset(2) and prctl(2) system calls.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ocirt::linux_ {

struct CapabilityName {
    std::string_view name;
    int number;
};

// "CAP_CHOWN" → 0, ..., "CAP_CHECKPOINT_RESTORE" → 40.
std::span<const CapabilityName> capability_names();
std::optional<int> capability_number(std::string_view name);
std::string capability_name(int number);  // "CAP_KILL", or "capability 45"

int last_capability();                        // the highest capability number this kernel knows
void drop_bounding_set(uint64_t keep);        // PR_CAPBSET_DROP of every capability not in `keep`
void set_keep_capabilities(bool keep);        // PR_SET_KEEPCAPS: keep the permitted set across setuid
void set_capabilities(uint64_t effective, uint64_t permitted, uint64_t inheritable);
void set_ambient_capabilities(uint64_t ambient);  // clears the ambient set, then raises each one

}  // namespace ocirt::linux_
