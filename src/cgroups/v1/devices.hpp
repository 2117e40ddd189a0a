#pragma once
// linux.resources.devices as lines of the v1 devices controller's devices.allow / devices.deny
// (Documentation/admin-guide/cgroup-v1/devices.rst: "type major:minor access").
#include <string>
#include <vector>

#include "cgroups/resource_writes.hpp"
#include "config/config.hpp"

namespace ocirt::cgroups {

// The lines one rule writes: "a" for every device with every access, "c 1:3 rwm", "b *:* m", ...
std::vector<std::string> v1_device_lines(const config::DeviceCgroupRule& rule);

// "a" denied, then the rules in their order (create has appended the default rules, default_device_rules.hpp).
std::vector<FileWrite> v1_device_writes(const std::vector<config::DeviceCgroupRule>& rules);

}  // namespace ocirt::cgroups
