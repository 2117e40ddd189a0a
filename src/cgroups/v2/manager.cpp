#include "cgroups/v2/manager.hpp"

#include "cgroups/group_resources.hpp"
#include "cgroups/v2/apply.hpp"
#include "cgroups/v2/freezer.hpp"

namespace ocirt::cgroups {

void V2Manager::apply(const config::Resources& resources) {
    for (Group group : requested_groups(resources))
        apply_on_cgroup2(placements_.front(), group_resources(resources, group), group);
}

bool V2Manager::frozen() const { return cgroup2_frozen(directory()); }

bool V2Manager::can_freeze() const { return cgroup2_can_freeze(directory()); }

void V2Manager::set_frozen(bool frozen) {
    if (cgroup2_can_freeze(directory())) set_cgroup2_frozen(directory(), frozen);
}

bool V2Manager::killed_in_one_write() {
    if (!cgroup2_can_kill(directory())) return false;
    cgroup2_kill(directory());
    return true;
}

}  // namespace ocirt::cgroups
