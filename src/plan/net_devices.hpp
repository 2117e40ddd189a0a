#pragma once
// linux.netDevices (config-linux.md "Network Devices") → the devices the parent moves into the container's
// network namespace (runtime/net_devices.hpp). The names, the clashes the config alone shows and the need for
// a network namespace are the config rule net-devices' (config/rules.cpp); what depends on how the runtime
// runs is refused here.
#include <vector>

#include "plan/init_plan.hpp"

namespace ocirt::plan {

std::vector<NetDevice> plan_net_devices(const config::Linux& linux_config, const Options& options);

}  // namespace ocirt::plan
