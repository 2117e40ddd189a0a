#pragma once
// Which kernel namespace a sysctl key belongs to, and the rule that a container may only set keys of its
// own namespaces (a key of the whole host would change the host).
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/rules.hpp"

namespace ocirt::config {

// "ipc", "network" or "uts" (namespace types of config-linux.md); "" for a key that no namespace holds.
// Keys may be written with dots ("net.ipv4.ip_forward") or slashes ("net/ipv4/ip_forward").
std::string_view sysctl_namespace_type(std::string_view key);

// What is wrong with setting `key` in a container, "" when nothing: `has_namespace` tells whether the
// container has (new or joined) the namespace sysctl_namespace_type(key) names.
std::string sysctl_problem(std::string_view key, bool has_namespace);

// Rule "sysctl-namespaced": every linux.sysctl key needs its namespace in linux.namespaces;
// kernel.hostname is refused in favour of the hostname field, as runc does; kernel.domainname with a value
// other than the domainname field's is refused (rule "sysctl-domainname").
void sysctl_namespaced(const RuleInput& in, std::vector<Diagnostic>& out);

}  // namespace ocirt::config
