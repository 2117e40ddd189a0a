#pragma once
// Rootless mode, as runc: an unprivileged user runs containers in a user namespace that maps its own ids,
// keeps its state under $XDG_RUNTIME_DIR, and goes without a cgroup it may not create; with --systemd-cgroup
// its units are its own systemd instance's (cgroups/systemd/bus.hpp).
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "cgroups/manager.hpp"
#include "config/config.hpp"
#include "linux/idmap.hpp"

namespace ocirt::runtime {

// --rootless: "true", "false", or "auto". Throws Error otherwise. Auto is runc's choice: rootless for an
// effective uid other than 0, and for uid 0 of a user namespace where that uid is not the parent's root
// (rootless podman runs conmon and the runtime as root of a user namespace that maps 0 to the user's uid).
bool rootless_mode(const std::string& flag);
// The same for this effective uid and /proc/self/uid_map.
bool rootless_mode(const std::string& flag, uid_t euid, const std::vector<linux_::IdRange>& uid_map);

// --root when not given: /run/ocirt, or $XDG_RUNTIME_DIR/ocirt (runc's shouldHonorXDGRuntimeDir) for an
// effective uid other than 0, and for uid 0 in a user namespace unless $USER is "root" (rootless podman's
// runtime, which may not write /run).
std::string default_state_root(uid_t euid, const char* xdg_runtime_dir, bool in_user_namespace = false,
                               const char* user = nullptr);
// The device rules for the container's cgroup: `rules` (the config's `config_rules` of them first, then
// ocirt's defaults), or none for a rootless container when this process lacks CAP_SYS_ADMIN in the initial
// user namespace: the v1 devices files and a v2 BPF device program both need it (devcgroup_update_access,
// bpf(2) BPF_PROG_TYPE_CGROUP_DEVICE), and runc and crun go on without them there. The container's
// device access is then what its user may open. A config that asks for rules gets a warning naming
// /linux/resources/devices.
std::vector<config::DeviceCgroupRule> enforceable_device_rules(std::vector<config::DeviceCgroupRule> rules,
                                                               size_t config_rules, bool rootless);
// Whether this process runs in a user namespace other than the initial one (its uid_map is not 0 0 4294967295).
bool in_user_namespace();

// Makes the container's cgroup (cgroups::container_cgroup's, Manager::create). Rootless without
// linux.cgroupsPath, a cgroup the user may not create is skipped with a debug line (runc's choice), and the
// container goes without one (cgroups::no_cgroup); then linux.resources that ask for a limit are an Error
// naming /linux/resources.
std::unique_ptr<cgroups::Manager> create_cgroup_unless_rootless_denied(std::unique_ptr<cgroups::Manager> cgroup,
                                                                       const config::Config& config, bool rootless);

}  // namespace ocirt::runtime
