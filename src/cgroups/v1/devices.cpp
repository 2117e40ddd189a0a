#include "cgroups/v1/devices.hpp"

namespace ocirt::cgroups {
namespace {

std::string number_or_wildcard(const std::optional<int64_t>& n) {
    return !n || *n == -1 ? std::string("*") : std::to_string(*n);
}

}  // namespace

std::vector<std::string> v1_device_lines(const config::DeviceCgroupRule& rule) {
    // The spec leaves access without a default; like type and major/minor, unset means all of it.
    std::string access = rule.access.value_or("rwm");
    std::string type = rule.type.value_or("a");
    if (type == "a") {
        // devices.rst: "a" stands for every device and every access; a narrower access on all devices
        // takes one line per device type.
        if (access.find('r') != std::string::npos && access.find('w') != std::string::npos &&
            access.find('m') != std::string::npos)
            return {"a"};
        return {"c *:* " + access, "b *:* " + access};
    }
    return {type + " " + number_or_wildcard(rule.major) + ":" + number_or_wildcard(rule.minor) + " " + access};
}

std::vector<FileWrite> v1_device_writes(const std::vector<config::DeviceCgroupRule>& rules) {
    // Deny by default, as the cgroup v2 device program does: a new v1 cgroup inherits its parent's list.
    std::vector<FileWrite> writes{{Group::devices, "devices.deny", "a", "/linux/resources/devices"}};
    for (size_t i = 0; i < rules.size(); ++i) {
        std::string pointer = "/linux/resources/devices/" + std::to_string(i);
        for (auto& line : v1_device_lines(rules[i]))
            writes.push_back({Group::devices, rules[i].allow ? "devices.allow" : "devices.deny", line, pointer});
    }
    return writes;
}

}  // namespace ocirt::cgroups
