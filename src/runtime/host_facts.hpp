#pragma once
// The facts about this host that an InitPlan depends on, read before fork.
#include "cgroups/hierarchy.hpp"
#include "plan/init_plan.hpp"

namespace ocirt::runtime {

plan::HostFacts host_facts(const cgroups::Hierarchy& hierarchy);

}  // namespace ocirt::runtime
