#pragma once
// Per-container kernel settings: linux.sysctl (only keys that belong to one of the container's own
// namespaces), linux.personality, linux.memoryPolicy, and linux.intelRdt (refused: this runtime has no
// resctrl support).
#include "plan/init_plan.hpp"

namespace ocirt::plan {

// Needs plan.unshare_flags and plan.joins filled in (the namespaces decide which keys are allowed).
void plan_kernel_settings(const config::Config& config, const HostFacts& host, InitPlan& plan);

// "net.ipv4.ip_forward" → "net/ipv4/ip_forward"; a key written with slashes is already a path (sysctl.d(5)).
std::string sysctl_path(const std::string& key);

}  // namespace ocirt::plan
