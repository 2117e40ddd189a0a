#include "cgroups/default_device_rules.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace ocirt::cgroups {
namespace {

struct DefaultRule {
    const char* path;  // "" for rules that make no device node
    const char* type;
    std::optional<int64_t> major;
    std::optional<int64_t> minor;
    const char* access;
};

const DefaultRule kDefaults[] = {
    {"", "c", std::nullopt, std::nullopt, "m"},
    {"", "b", std::nullopt, std::nullopt, "m"},
    {"/dev/null", "c", 1, 3, "rwm"},
    {"/dev/random", "c", 1, 8, "rwm"},
    {"/dev/full", "c", 1, 7, "rwm"},
    {"/dev/tty", "c", 5, 0, "rwm"},
    {"/dev/zero", "c", 1, 5, "rwm"},
    {"/dev/urandom", "c", 1, 9, "rwm"},
    {"", "c", 136, std::nullopt, "rwm"},
    {"", "c", 5, 2, "rwm"},
    {"", "c", 10, 200, "rwm"},
};

}  // namespace

std::vector<config::DeviceCgroupRule> with_default_device_rules(const std::vector<config::DeviceCgroupRule>& rules,
                                                               const std::vector<config::LinuxDevice>& devices) {
    std::vector<config::DeviceCgroupRule> out = rules;
    for (const auto& d : kDefaults) {
        std::string path = d.path;
        // A listed device that is the default one again ("MUST be available", config-linux.md#devices)
        // keeps the default's access; one that puts another node at that path leaves it to the config.
        bool replaced = !path.empty() && std::any_of(devices.begin(), devices.end(), [&](const auto& dev) {
            bool same_node = (dev.type == "c" || dev.type == "u") && dev.major == d.major && dev.minor == d.minor;
            return dev.path == path && !same_node;
        });
        if (replaced) continue;
        out.push_back({true, std::string(d.type), d.major, d.minor, std::string(d.access)});
    }
    return out;
}

}  // namespace ocirt::cgroups
