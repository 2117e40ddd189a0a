#pragma once
// Spec names of process and container attributes → kernel constants: scheduler policies and flags
// (sched(7), sched_setattr(2)), I/O priority classes (ioprio_set(2)), personality domains (personality(2)).
#include <optional>
#include <span>
#include <string_view>

#include "config/known_names.hpp"

namespace ocirt::plan {

std::span<const config::NamedNumber> scheduler_policy_names();
std::optional<int> scheduler_policy(std::string_view name);
std::span<const config::NamedNumber> scheduler_flag_names();
std::optional<int> scheduler_flag(std::string_view name);
std::optional<int> io_priority_class(std::string_view name);
std::optional<int> personality_domain(std::string_view name);

}  // namespace ocirt::plan
