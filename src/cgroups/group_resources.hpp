#pragma once
// The part of linux.resources that one Group covers, so that each group's writes are computed (and its
// errors raised) only for the hierarchy that takes it: on a hybrid host a v1-only knob routed to v1 must
// not fail the v2 mapping, and the other way round.
#include "cgroups/resource_writes.hpp"

namespace ocirt::cgroups {

// Everything of `resources` outside `group` is left empty; list indices (and so JSON pointers) are kept.
config::Resources group_resources(const config::Resources& resources, Group group);

}  // namespace ocirt::cgroups
