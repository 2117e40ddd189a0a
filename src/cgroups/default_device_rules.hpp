#pragma once
// The device rules every container gets after its own linux.resources.devices, as runc does
// (libcontainer/specconv AllowedDevices): mknod of any node, and rwm of /dev/null, zero, full, random,
// urandom, tty, ptmx, the pts and /dev/net/tun. Coming last, they win over the config's rules; one whose
// path linux.devices gives another node is left out, so the config's device decides.
#include <vector>

#include "config/config.hpp"

namespace ocirt::cgroups {

std::vector<config::DeviceCgroupRule> with_default_device_rules(const std::vector<config::DeviceCgroupRule>& rules,
                                                               const std::vector<config::LinuxDevice>& devices);

}  // namespace ocirt::cgroups
