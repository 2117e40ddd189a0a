#include "runtime/host_facts.hpp"

#include "runtime/security_facts.hpp"

namespace ocirt::runtime {
namespace {

std::string base_name(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

plan::HostFacts host_facts(const cgroups::Hierarchy& hierarchy) {
    plan::HostFacts facts;
    facts.cgroup2_only = hierarchy.mode() == cgroups::Hierarchy::Mode::v2;
    for (const auto& h : hierarchy.v1()) {
        std::string options;
        for (const auto& c : h.controllers) options += (options.empty() ? "" : ",") + c;
        facts.cgroup_hierarchies.push_back({base_name(h.mount_point), options, false});
    }
    if (hierarchy.unified() && !facts.cgroup2_only)
        facts.cgroup_hierarchies.push_back({base_name(hierarchy.unified()->mount_point), "", true});
    facts.security = read_security_facts();
    return facts;
}

}  // namespace ocirt::runtime
