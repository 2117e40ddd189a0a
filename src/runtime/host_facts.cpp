#include "runtime/host_facts.hpp"

#include "runtime/security_facts.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

std::string base_name(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string container_directory_in(const std::string& name, const cgroups::Manager& cgroup,
                                   const cgroups::Hierarchy& hierarchy) {
    for (const auto& placement : cgroup.placements())
        if (base_name(placement.hierarchy.mount_point) == name) return placement.directory();
    for (const auto& h : hierarchy.all())
        if (base_name(h.mount_point) == name) return h.mount_point + (h.own_cgroup == "/" ? "" : h.own_cgroup);
    throw Error("cgroup hierarchy " + quoted(name) + " is no longer mounted");
}

}  // namespace

plan::HostFacts host_facts(const cgroups::Hierarchy& hierarchy) {
    plan::HostFacts facts;
    facts.cgroup2_only = hierarchy.mode() == cgroups::Hierarchy::Mode::v2;
    for (const auto& h : hierarchy.v1()) {
        std::string options;
        for (const auto& c : h.controllers) options += (options.empty() ? "" : ",") + c;
        facts.cgroup_hierarchies.push_back({base_name(h.mount_point), options, false, ""});
    }
    // On a cgroup2-only host the "cgroup" mount is a cgroup2 mount, and the entry names the directory it binds
    // where a user namespace may not mount cgroup2 (init/rootfs.cpp).
    if (hierarchy.unified())
        facts.cgroup_hierarchies.push_back({base_name(hierarchy.unified()->mount_point), "", true, ""});
    facts.security = read_security_facts();
    return facts;
}

void plan_cgroup_binds(plan::InitPlan& plan, const cgroups::Manager& cgroup, const cgroups::Hierarchy& hierarchy) {
    if (!plan.bind_host_cgroups) return;
    for (auto& h : plan.cgroup_hierarchies) h.container_directory = container_directory_in(h.name, cgroup, hierarchy);
}

}  // namespace ocirt::runtime
