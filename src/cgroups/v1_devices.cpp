#include "cgroups/v1_devices.hpp"

namespace ocirt::cgroups {
namespace {

std::string number_or_wildcard(const std::optional<int64_t>& n) {
    return !n || *n == -1 ? std::string("*") : std::to_string(*n);
}

}  // namespace

std::vector<std::string> v1_device_lines(const spec::DeviceCgroupRule& rule) {
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

const std::vector<std::string>& v1_default_allowed_devices() {
    static const std::vector<std::string> lines = {
        "c *:* m",   "b *:* m",   "c 1:3 rwm",   "c 1:8 rwm", "c 1:7 rwm",    "c 5:0 rwm",
        "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
    };
    return lines;
}

std::vector<FileWrite> v1_device_writes(const std::vector<spec::DeviceCgroupRule>& rules) {
    std::vector<FileWrite> writes;
    for (size_t i = 0; i < rules.size(); ++i) {
        std::string pointer = "/linux/resources/devices/" + std::to_string(i);
        for (auto& line : v1_device_lines(rules[i]))
            writes.push_back({Group::devices, rules[i].allow ? "devices.allow" : "devices.deny", line, pointer});
    }
    // What runc users expect: runc appends its default allowed devices after the config's rules, so a
    // config that denies everything still has /dev/null, /dev/zero, ttys and ptys.
    for (const auto& line : v1_default_allowed_devices())
        writes.push_back({Group::devices, "devices.allow", line, "/linux/resources/devices"});
    return writes;
}

}  // namespace ocirt::cgroups
