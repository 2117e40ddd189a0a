#pragma once
// Where this host mounts its cgroup hierarchies and where a process sits in them, read from the mount table
// (/proc/self/mountinfo) and /proc/PID/cgroup (cgroups(7)), so that a test holds on a v1, hybrid or
// cgroup2-only host; and the skip reasons of a test that needs one kind of hierarchy.
#include <sys/types.h>

#include <initializer_list>
#include <string>
#include <vector>

namespace ocirt::test {

// The cgroup2 mount point: /sys/fs/cgroup on a cgroup2-only host, /sys/fs/cgroup/unified on a hybrid one;
// "" when there is none.
std::string cgroup2_mount();
// The mount point of the v1 hierarchy that has `controller` ("memory", "name=systemd"); "" when none.
std::string v1_mount(const std::string& controller);
// True when some v1 hierarchy with a controller is mounted.
bool has_v1_hierarchy();
// The mount point of every hierarchy: the v1 ones, then the cgroup2 mount.
std::vector<std::string> hierarchy_mounts();

// The directory of `pid`'s cgroup in the v1 hierarchy of `controller`; FAILs the test when there is none.
std::string v1_cgroup_dir(pid_t pid, const std::string& controller);
// The directory of `pid`'s cgroup on the cgroup2 mount (its "0::" line); FAILs the test when there is none.
std::string cgroup2_dir(pid_t pid);
// Where a container's cgroup mount (with a cgroup namespace) shows the cgroup2 hierarchy: /sys/fs/cgroup on a
// cgroup2-only host, /sys/fs/cgroup/<the mount's name> beside the v1 ones on a hybrid host.
std::string cgroup2_inside();
// The cgroup path of `pid` on the cgroup2 mount, as its "0::" line has it ("/system.slice/abc").
std::string cgroup2_path(pid_t pid);

// Skip reasons: "" when this host has what the test needs.
// A v1 hierarchy of each controller.
std::string lacking_v1(std::initializer_list<const char*> controllers);
// The cgroup2 mount owns each controller: its root's cgroup.controllers lists it, which a controller bound to
// a v1 hierarchy is not (cgroup-v2.rst "Mounting": a controller is in one hierarchy at a time). ocirt then
// puts the controller's resources on the cgroup2 mount.
std::string lacking_v2(std::initializer_list<const char*> controllers);
// ocirt freezes and kills through cgroup.freeze and cgroup.kill: a cgroup2 mount, no v1 freezer hierarchy.
std::string lacking_v2_freezer();
// A cgroup2-only host: /sys/fs/cgroup is the cgroup2 mount and there is no v1 hierarchy.
std::string lacking_v2_only_host();

// The file a blkio weight goes to in a cgroup2 directory: BFQ's io.bfq.weight (blkio's range as it is) where
// the BFQ scheduler is loaded, else io.weight (blk-iocost, converted); "" when the kernel has neither.
std::string v2_io_weight_file(const std::string& dir);

// The text of a cgroup file without its trailing newline and surrounding blanks.
std::string cgroup_file(const std::string& path);

}  // namespace ocirt::test
