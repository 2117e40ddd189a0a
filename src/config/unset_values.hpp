#pragma once
// Values of linux.resources that real clients send for a limit they leave unset, and that runc therefore
// reads as "not set": it writes nothing for them. Docker writes `cpu.shares: 0` and `blockIO.weight: 0` into
// every config, and `docker update` sends a whole Resources object with zero period, quota, memory limit and
// reservation and empty cpuset strings for what the user did not change.
#include <string>
#include <vector>

#include "config/config.hpp"

namespace ocirt::config {

// Clears every field of `resources` that holds its "not set" value, and the groups (cpu, memory, blockIO,
// network, a weightDevice entry) left with nothing set. Returns the pointers of the cleared fields, under
// `base` (e.g. "/linux/resources"), for the debug log.
std::vector<std::string> drop_values_meaning_unset(Resources& resources, const std::string& base);

}  // namespace ocirt::config
