#pragma once
// The facts about this host that an InitPlan depends on, read before fork.
#include "cgroups/hierarchy.hpp"
#include "cgroups/manager.hpp"
#include "plan/init_plan.hpp"

namespace ocirt::runtime {

plan::HostFacts host_facts(const cgroups::Hierarchy& hierarchy);

// With plan.bind_host_cgroups, sets each planned hierarchy's container_directory: where `cgroup` places
// the container, or, in a hierarchy it has no place in (a rootless container left without a cgroup of its
// own), the cgroup ocirt itself is in, which the init then stays in.
void plan_cgroup_binds(plan::InitPlan& plan, const cgroups::Manager& cgroup, const cgroups::Hierarchy& hierarchy);

}  // namespace ocirt::runtime
