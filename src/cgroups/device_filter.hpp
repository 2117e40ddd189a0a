#pragma once
// cgroup v2 has no devices files: access is decided by a BPF_PROG_TYPE_CGROUP_DEVICE program attached to
// the cgroup (cgroup-v2.rst "Device controller"), built here from linux.resources.devices.
#include <string>
#include <vector>

#include "config/config.hpp"

namespace ocirt::cgroups {

// The name ocirt's device programs carry (bpf_prog_info.name), by which an update finds the one to replace.
extern const char* const kDeviceProgramName;

// Loads the program for `rules` (bpf_device_program.hpp) and attaches it to the cgroup2 directory
// `cgroup_dir`, then detaches any program named kDeviceProgramName that was attached there before.
void install_device_filter(const std::string& cgroup_dir, const std::vector<config::DeviceCgroupRule>& rules);

}  // namespace ocirt::cgroups
