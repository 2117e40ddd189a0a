#pragma once
// Rootless mode, as runc: an unprivileged user runs containers in a user namespace that maps its own ids,
// keeps its state under $XDG_RUNTIME_DIR, and goes without a cgroup it may not create.
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "cgroups/hierarchy.hpp"
#include "cgroups/manager.hpp"
#include "config/config.hpp"

namespace ocirt::runtime {

// --rootless: "true", "false", or "auto" (rootless when the effective uid is not 0). Throws Error otherwise.
bool rootless_mode(const std::string& flag);

// --root when not given: /run/ocirt, or $XDG_RUNTIME_DIR/ocirt for a non-root effective uid (runc's choice).
std::string default_state_root(uid_t euid, const char* xdg_runtime_dir);

// Creates the container's cgroup. Rootless without linux.cgroupsPath, a cgroup the user may not create is
// skipped with a debug line (runc's choice), and the returned manager does nothing; then linux.resources
// that ask for a limit are an Error naming /linux/resources. With `systemd` (--systemd-cgroup) the path is
// "slice:prefix:name" and systemd creates the unit when the init joins (cgroups::systemd_cgroup): where no
// systemd answers, an Error before anything is made. Without `systemd`, `planned` is the caller's
// cgroups::cgroupfs_cgroup for the config's path (create records that path before making it).
std::unique_ptr<cgroups::Manager> create_container_cgroup(const config::Config& config, const std::string& id,
                                                          bool rootless, bool systemd,
                                                          const cgroups::Hierarchy& hierarchy,
                                                          std::unique_ptr<cgroups::Manager> planned);

}  // namespace ocirt::runtime
