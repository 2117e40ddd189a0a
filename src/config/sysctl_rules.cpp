#include "config/sysctl_rules.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "config/json_pointer.hpp"
#include "util/error.hpp"

namespace ocirt::config {
namespace {

// ipc_namespaces(7) and mq_overview(7): the System V IPC limits and /proc/sys/fs/mqueue are per IPC namespace.
constexpr std::array<std::string_view, 11> kIpcKeys = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
    "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id",
};

bool has_namespace(const Config& c, std::string_view type) {
    return c.linux_ && std::any_of(c.linux_->namespaces.begin(), c.linux_->namespaces.end(),
                                   [&](const Namespace& n) { return n.type == type; });
}

// sysctl.d(5): "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same key.
std::string dotted(std::string_view key) {
    std::string name(key);
    if (name.find('/') != std::string::npos) std::replace(name.begin(), name.end(), '/', '.');
    return name;
}

}  // namespace

std::string_view sysctl_namespace_type(std::string_view key) {
    std::string name = dotted(key);
    if (std::find(kIpcKeys.begin(), kIpcKeys.end(), name) != kIpcKeys.end() || name.starts_with("fs.mqueue."))
        return "ipc";
    // network_namespaces(7): /proc/sys/net shows the network namespace of the process that opens it.
    if (name.starts_with("net.")) return "network";
    // uts_namespaces(7): the host and domain names are per UTS namespace.
    if (name == "kernel.domainname" || name == "kernel.hostname") return "uts";
    return "";
}

std::string sysctl_problem(std::string_view key, bool has_namespace) {
    std::string_view type = sysctl_namespace_type(key);
    std::string name = quoted(std::string(key));
    if (type.empty()) return "sysctl " + name + " is not namespaced: setting it would change the host";
    if (!has_namespace)
        return "sysctl " + name + " needs " + (type == "ipc" ? "an " : "a ") + std::string(type) + " namespace in /linux/namespaces";
    if (dotted(key) == "kernel.hostname") return "sysctl " + name + " conflicts with /hostname: set the hostname there";
    return "";
}

void sysctl_namespaced(const RuleInput& in, std::vector<Diagnostic>& out) {
    if (!in.config.linux_) return;
    for (const auto& [key, value] : in.config.linux_->sysctl) {
        if (key.empty()) continue;  // rule sysctl-key
        std::string problem = sysctl_problem(key, has_namespace(in.config, sysctl_namespace_type(key)));
        if (!problem.empty()) out.push_back({pointer_join("/linux/sysctl", key), problem, "rule: sysctl-namespaced"});
        // config.md "Domainname" and this sysctl write the same UTS field (setdomainname(2)): two different
        // values cannot both hold, and the later write would silently win.
        if (dotted(key) == "kernel.domainname" && in.config.domainname && *in.config.domainname != value)
            out.push_back({pointer_join("/linux/sysctl", key),
                           "sysctl " + quoted(key) + " = " + quoted(value) + " contradicts /domainname " + quoted(*in.config.domainname),
                           "rule: sysctl-domainname"});
    }
}

}  // namespace ocirt::config
