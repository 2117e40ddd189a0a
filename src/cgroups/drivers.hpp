#pragma once
// Which driver keeps a container's cgroup: the systemd driver under --systemd-cgroup, else ocirt's own
// directories with the v2 driver on a cgroup2-only host and the v1 driver on a v1 or hybrid one.
#include <memory>
#include <optional>
#include <string>

#include "cgroups/hierarchy.hpp"
#include "cgroups/manager.hpp"
#include "cgroups/recorded_cgroup.hpp"
#include "cgroups/systemd/path.hpp"

namespace ocirt::cgroups {

// The cgroup of a new container; nothing is made yet (Manager::create, or the unit's start).
// With `systemd`, linux.cgroupsPath is "slice:prefix:name" (systemd/path.hpp) and systemd is connected to
// at once: where none answers, an Error before anything is made; `rootless` asks the user's own instance
// (cgroup v2 only), whose default slice is user.slice, as runc's. Otherwise cgroupsPath absolute → under
// each hierarchy's root; relative → under ocirt's own cgroup in each v1 hierarchy and under its parent on the
// cgroup2 mount; absent → "<id>" taken as relative, as runc's cgroupfs drivers (fs, fs2) do.
std::unique_ptr<Manager> container_cgroup(const std::optional<std::string>& cgroups_path, const std::string& id,
                                          bool systemd, const Hierarchy& hierarchy, bool rootless = false);
std::unique_ptr<Manager> cgroupfs_cgroup(const std::optional<std::string>& cgroups_path, const std::string& id,
                                         const Hierarchy& hierarchy);
// `user`: the unit goes to the calling user's systemd instance (systemd/bus.hpp), below its own cgroup.
std::unique_ptr<Manager> systemd_cgroup(const SystemdCgroup& unit, const std::string& id, const Hierarchy& hierarchy,
                                        bool user = false);
std::unique_ptr<Manager> no_cgroup();

// The cgroup Manager::record() described. A record of an older ocirt names no mount points: this host's
// are read (Hierarchy::detect) for it.
std::unique_ptr<Manager> open_recorded(const RecordedCgroup& recorded);
// An older ocirt's record with the mount points of `hierarchy`.
RecordedCgroup resolve_legacy(const RecordedCgroup& recorded, const Hierarchy& hierarchy);

}  // namespace ocirt::cgroups
