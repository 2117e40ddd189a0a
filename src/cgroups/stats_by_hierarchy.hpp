#pragma once
// A container's usage, each controller read from the hierarchy that holds it: the v1 hierarchy that has
// it, else the cgroup2 mount (where the controller's files exist in the container's cgroup); a controller
// found in neither is left at zero.
#include <vector>

#include "cgroups/placement.hpp"
#include "cgroups/stats.hpp"

namespace ocirt::cgroups {

Stats read_stats(const std::vector<Placement>& placements);

}  // namespace ocirt::cgroups
