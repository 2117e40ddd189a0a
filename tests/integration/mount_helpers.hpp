#pragma once
// Helpers of the mount, /dev and rootfs tests: the container's mountinfo read back from inside it, and a
// host directory made a shared mount for the length of a test (then unmounted).
#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace ocirt::test {

struct MountEntry {
    std::string mount_point;
    std::string options;        // per-mount options: "rw,nosuid,relatime"
    std::string optional;       // "shared:3 master:1", "unbindable" or ""
    std::string fstype;
    std::string super_options;  // "rw,size=65536k"
};

std::vector<MountEntry> parse_mountinfo_text(const std::string& text);
// The last (topmost) entry on `mount_point`, or nullptr.
const MountEntry* find_mount(const std::vector<MountEntry>& mounts, const std::string& mount_point);
// The container's /proc/self/mountinfo, read by running `cat` in it (the run must succeed).
std::vector<MountEntry> mounts_inside(const Ocirt& ocirt, Bundle& bundle);
bool has_item(const std::string& comma_list, const std::string& item);
// The number after "shared:" or "master:" in an optional-fields string; "" when absent.
std::string peer_group(const std::string& optional, const std::string& tag);

// Binds `dir` on itself and makes it shared (mount_namespaces(7)); unmounts it on destruction.
class SharedMount {
public:
    explicit SharedMount(const std::string& dir);
    ~SharedMount();
    SharedMount(const SharedMount&) = delete;
    SharedMount& operator=(const SharedMount&) = delete;

private:
    std::string dir_;
};

// A child process holding a new user namespace whose maps the test writes (uid_map, gid_map lines);
// setgroups stays allowed (user_namespaces(7)). Killed and reaped on destruction.
class UserNamespaceHolder {
public:
    UserNamespaceHolder(const std::string& uid_map, const std::string& gid_map);
    ~UserNamespaceHolder();
    UserNamespaceHolder(const UserNamespaceHolder&) = delete;
    UserNamespaceHolder& operator=(const UserNamespaceHolder&) = delete;
    std::string ns_path() const { return "/proc/" + std::to_string(pid_) + "/ns/user"; }
    bool mapped() const { return mapped_; }

private:
    pid_t pid_ = -1;
    bool mapped_ = false;
};

// Whether `dir`'s filesystem takes an idmapped mount (mount_setattr(2) MOUNT_ATTR_IDMAP on a detached
// clone of it, which is discarded); `why` gets the error when not.
bool idmapped_mounts_supported(const std::string& dir, std::string& why);

// Every mount point of this (the test's) mount namespace that contains `needle`.
std::vector<std::string> host_mount_points_containing(const std::string& needle);

}  // namespace ocirt::test
