#pragma once
// The init waits for CgroupReady only where its cgroup starts to matter, so that the parent can make the
// cgroup while the init, already cloned, starts up and makes the first mounts.
#include "init/context.hpp"

namespace ocirt::init {

// Waits for CgroupReady, then unshares the cgroup namespace (cgroup_namespaces(7): its root is the cgroup
// the process is in when unsharing). Only the first call waits.
void enter_cgroup(const InitContext& ctx);

// Whether the mount must wait for the cgroup: cgroup mounts (they show the container's cgroup namespace)
// and filesystems that may open a device (the devices controller checks the opener's cgroup); proc,
// sysfs, tmpfs, devpts, mqueue and binds do not depend on the cgroup.
bool mount_needs_cgroup(const plan::MountStep& m);

}  // namespace ocirt::init
