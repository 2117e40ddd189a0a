#pragma once
// mounts[], linux.mountLabel and linux.devices → the mount steps and device nodes of the InitPlan.
#include <vector>

#include "plan/init_plan.hpp"

namespace ocirt::plan {

// Throws Error naming /mounts/N/... for what cannot be mounted as asked; warns that linux.mountLabel is
// ignored on a host without SELinux.
std::vector<MountStep> plan_mounts(const config::Config& config, const HostFacts& host, const Options& options);

// `path` itself when absolute, else `path` under `base`: config.md makes root.path and mount sources
// relative to the bundle.
std::string absolute_in(const std::string& base, const std::string& path);

// Throws Error naming /linux/devices/N/... for a type that is not c, u, b or p.
std::vector<DeviceNode> plan_devices(const std::vector<config::LinuxDevice>& devices);

}  // namespace ocirt::plan
