#pragma once
// linux.resources on a cgroup2 cgroup, one resource group at a time: the group's controller is enabled in
// the ancestors' cgroup.subtree_control, then its files are written (devices: a BPF program instead).
// The v2 driver applies every group this way; the v1 driver those no v1 hierarchy of a hybrid host takes.
#include "cgroups/placement.hpp"
#include "cgroups/resource_writes.hpp"

namespace ocirt::cgroups {

// `part` is group_resources(resources, group). A failure is an Error under the group's JSON pointer.
void apply_on_cgroup2(const Placement& unified, const config::Resources& part, Group group);

}  // namespace ocirt::cgroups
