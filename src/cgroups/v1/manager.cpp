#include "cgroups/v1/manager.hpp"

#include "cgroups/group_resources.hpp"
#include "cgroups/v1/apply.hpp"
#include "cgroups/v1/freezer.hpp"
#include "cgroups/v2/apply.hpp"
#include "cgroups/v2/freezer.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {

void V1Manager::apply(const config::Resources& resources) {
    if (placements_.empty()) return;  // systemd's unit on a host without cgroup mounts
    const Placement* u = unified_placement(placements_);
    for (Group group : requested_groups(resources)) {
        config::Resources part = group_resources(resources, group);
        if (group != Group::unified) {
            if (const Placement* p = v1_placement_with(placements_, v1_controller(group))) {
                write_v1_group(p->directory(), v1_writes(part), group);
                continue;
            }
        }
        if (!u) {
            std::string pointer(group_pointer(group));
            throw Error(pointer + ": this host has no " +
                            (group == Group::unified ? std::string("cgroup v2 mount, so unified keys cannot be set")
                                                     : ocirt::quoted(std::string(v1_controller(group))) + " controller"),
                        0, pointer);
        }
        apply_on_cgroup2(*u, part, group);
    }
}

bool V1Manager::frozen() const {
    if (const Placement* f = freezer(); f && v1_frozen(f->directory())) return true;
    const Placement* u = unified_placement(placements_);
    return u && cgroup2_frozen(u->directory());
}

bool V1Manager::can_freeze() const {
    if (freezer()) return true;
    const Placement* u = unified_placement(placements_);
    return u && cgroup2_can_freeze(u->directory());
}

void V1Manager::set_frozen(bool frozen) {
    if (const Placement* f = freezer()) return set_v1_frozen(f->directory(), frozen);
    const Placement* u = unified_placement(placements_);
    if (u && cgroup2_can_freeze(u->directory())) set_cgroup2_frozen(u->directory(), frozen);
}

// With a v1 freezer, the processes are frozen and killed one by one, as on a v1-only host.
bool V1Manager::killed_in_one_write() {
    const Placement* u = unified_placement(placements_);
    if (!u || freezer() || !cgroup2_can_kill(u->directory())) return false;
    cgroup2_kill(u->directory());
    return true;
}

const Placement* V1Manager::pids_source() const {
    if (const Placement* f = freezer()) return f;
    return placements_.empty() ? nullptr : &placements_.front();
}

}  // namespace ocirt::cgroups
