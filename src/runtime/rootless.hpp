#pragma once
// Rootless mode, as runc: an unprivileged user runs containers in a user namespace that maps its own ids,
// keeps its state under $XDG_RUNTIME_DIR, and goes without a cgroup it may not create.
#include <sys/types.h>

#include <memory>
#include <string>

#include "cgroups/manager.hpp"
#include "config/config.hpp"

namespace ocirt::runtime {

// --rootless: "true", "false", or "auto" (rootless when the effective uid is not 0). Throws Error otherwise.
bool rootless_mode(const std::string& flag);

// --root when not given: /run/ocirt, or $XDG_RUNTIME_DIR/ocirt for a non-root effective uid (runc's choice).
std::string default_state_root(uid_t euid, const char* xdg_runtime_dir);

// Makes the container's cgroup (cgroups::container_cgroup's, Manager::create). Rootless without
// linux.cgroupsPath, a cgroup the user may not create is skipped with a debug line (runc's choice), and the
// container goes without one (cgroups::no_cgroup); then linux.resources that ask for a limit are an Error
// naming /linux/resources.
std::unique_ptr<cgroups::Manager> create_cgroup_unless_rootless_denied(std::unique_ptr<cgroups::Manager> cgroup,
                                                                       const config::Config& config, bool rootless);

}  // namespace ocirt::runtime
