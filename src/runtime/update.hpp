#pragma once
// `update`: writes new linux.resources values into a live container's cgroup.
#include <string>

#include "config/config.hpp"

namespace ocirt::runtime {

// Only the values set in `resources` are written (Manager::apply). Devices are left alone, as runc's
// update leaves them. A memory limit of -1 without a swap value also lifts swap (-1), as runc does.
// The container must be created, running or paused.
void update_container(const std::string& root, const std::string& id, config::Resources resources);

}  // namespace ocirt::runtime
