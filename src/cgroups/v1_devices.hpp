#pragma once
// linux.resources.devices as lines of the v1 devices controller's devices.allow / devices.deny
// (Documentation/admin-guide/cgroup-v1/devices.rst: "type major:minor access").
#include <string>
#include <vector>

#include "cgroups/resource_writes.hpp"
#include "spec/config.hpp"

namespace ocirt::cgroups {

// The lines one rule writes: "a" for every device with every access, "c 1:3 rwm", "b *:* m", ...
std::vector<std::string> v1_device_lines(const spec::DeviceCgroupRule& rule);

// The config's rules in their order, then the devices every container may use.
std::vector<FileWrite> v1_device_writes(const std::vector<spec::DeviceCgroupRule>& rules);

// Allowed after the config's rules, as runc's specconv AllowedDevices: mknod of any device, null, random,
// full, tty, zero, urandom, /dev/pts/*, ptmx and tun.
const std::vector<std::string>& v1_default_allowed_devices();

}  // namespace ocirt::cgroups
