#include "plan/kernel_settings.hpp"

#include <sched.h>

#include <algorithm>

#include "plan/names.hpp"
#include "plan/process_names.hpp"
#include "config/json_pointer.hpp"
#include "config/sysctl_rules.hpp"
#include "util/error.hpp"

namespace ocirt::plan {
namespace {

bool has_namespace(const InitPlan& plan, int clone_flag) {
    return (plan.unshare_flags & clone_flag) ||
           std::any_of(plan.joins.begin(), plan.joins.end(), [&](const NamespaceJoin& j) { return j.clone_flag == clone_flag; });
}

// The spec rule sysctl-namespaced, again for plans made without the rules.
void check_sysctl_namespace(const std::string& key, const InitPlan& plan, const std::string& pointer) {
    std::string_view type = config::sysctl_namespace_type(key);
    bool present = !type.empty() && has_namespace(plan, *namespace_clone_flag(std::string(type)));
    if (std::string problem = config::sysctl_problem(key, present); !problem.empty()) throw ConfigError(pointer, problem);
}

void plan_sysctls(const std::map<std::string, std::string>& sysctl, InitPlan& plan) {
    for (const auto& [key, value] : sysctl) {
        std::string pointer = config::pointer_join("/linux/sysctl", key);
        if (key.empty() || key.front() == '.' || key.front() == '/' || key.find("..") != std::string::npos)
            throw ConfigError(pointer, "is not a sysctl name such as \"net.ipv4.ip_forward\"");
        check_sysctl_namespace(key, plan, pointer);
        plan.sysctls.push_back({key, sysctl_path(key), value});
    }
}

}  // namespace

std::string sysctl_path(const std::string& key) {
    if (key.find('/') != std::string::npos) return key;
    std::string path = key;
    std::replace(path.begin(), path.end(), '.', '/');
    return path;
}

void plan_kernel_settings(const config::Config& config, const HostFacts& host, InitPlan& plan) {
    if (!config.linux_) return;
    const config::Linux& linux_config = *config.linux_;
    plan_sysctls(linux_config.sysctl, plan);
    if (const auto& persona = linux_config.personality) {
        auto domain = personality_domain(persona->domain);
        if (!domain) throw ConfigError("/linux/personality/domain", "unknown personality domain " + quoted(persona->domain));
        plan.personality = static_cast<unsigned long>(*domain);
    }
    plan.memory_policy = plan_memory_policy(config);
    if (linux_config.intelRdt) {
        if (!host.security.resctrl)
            throw ConfigError("/linux/intelRdt", "Intel RDT needs the resctrl file system, which this host has not mounted");
        throw ConfigError("/linux/intelRdt", "Intel RDT (resctrl) is not supported by ocirt yet");
    }
}

}  // namespace ocirt::plan
