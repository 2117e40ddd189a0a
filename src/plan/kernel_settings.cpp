#include "plan/kernel_settings.hpp"

#include <sched.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "plan/config_error.hpp"
#include "plan/process_names.hpp"
#include "spec/json_pointer.hpp"

namespace ocirt::plan {
namespace {

// ipc_namespace(7) and mq_overview(7): the System V IPC limits and /proc/sys/fs/mqueue are per IPC namespace.
constexpr std::array<std::string_view, 11> kIpcKeys = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
    "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id",
};

bool has_namespace(const InitPlan& plan, int clone_flag) {
    return (plan.unshare_flags & clone_flag) ||
           std::any_of(plan.joins.begin(), plan.joins.end(), [&](const NamespaceJoin& j) { return j.clone_flag == clone_flag; });
}

// The check behind "a key outside the container's namespaces is rejected": writing it would change the host.
void check_sysctl_namespace(const std::string& key, const InitPlan& plan, const std::string& pointer) {
    std::string name = key;
    if (key.find('/') != std::string::npos) std::replace(name.begin(), name.end(), '/', '.');
    bool ipc = std::find(kIpcKeys.begin(), kIpcKeys.end(), name) != kIpcKeys.end() || name.starts_with("fs.mqueue.");
    if (ipc) {
        if (!has_namespace(plan, CLONE_NEWIPC))
            throw config_error(pointer, "sysctl " + quoted(key) + " needs an ipc namespace in /linux/namespaces");
        return;
    }
    // network_namespaces(7): /proc/sys/net shows the network namespace of the process that opens it.
    if (name.starts_with("net.")) {
        if (!has_namespace(plan, CLONE_NEWNET))
            throw config_error(pointer, "sysctl " + quoted(key) + " needs a network namespace in /linux/namespaces");
        return;
    }
    // uts_namespaces(7): the host and domain names are per UTS namespace.
    if (name == "kernel.domainname" || name == "kernel.hostname") {
        if (!has_namespace(plan, CLONE_NEWUTS))
            throw config_error(pointer, "sysctl " + quoted(key) + " needs a uts namespace in /linux/namespaces");
        if (name == "kernel.hostname")
            throw config_error(pointer, "sysctl " + quoted(key) + " conflicts with /hostname: set the hostname there");
        return;
    }
    throw config_error(pointer, "sysctl " + quoted(key) + " is not namespaced: setting it would change the host");
}

void plan_sysctls(const std::map<std::string, std::string>& sysctl, InitPlan& plan) {
    for (const auto& [key, value] : sysctl) {
        std::string pointer = spec::pointer_join("/linux/sysctl", key);
        if (key.empty() || key.front() == '.' || key.front() == '/' || key.find("..") != std::string::npos)
            throw config_error(pointer, "is not a sysctl name such as \"net.ipv4.ip_forward\"");
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

void plan_kernel_settings(const spec::Config& config, const HostFacts& host, InitPlan& plan) {
    if (!config.linux_) return;
    const spec::Linux& linux_config = *config.linux_;
    plan_sysctls(linux_config.sysctl, plan);
    if (const auto& persona = linux_config.personality) {
        auto domain = personality_domain(persona->domain);
        if (!domain) throw config_error("/linux/personality/domain", "unknown personality domain " + quoted(persona->domain));
        if (!persona->flags.empty())
            throw config_error("/linux/personality/flags/0", "unsupported personality flag " + quoted(persona->flags[0]));
        plan.personality = static_cast<unsigned long>(*domain);
    }
    if (linux_config.intelRdt) {
        if (!host.security.resctrl)
            throw config_error("/linux/intelRdt", "Intel RDT needs the resctrl file system, which this host has not mounted");
        throw config_error("/linux/intelRdt", "Intel RDT (resctrl) is not supported by ocirt yet");
    }
}

}  // namespace ocirt::plan
