#pragma once
// mount(2) with errors that name what was mounted where, and targets given as O_PATH fds.
#include <cstdint>
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// "/proc/self/fd/N": the path through which the kernel reaches the file an fd refers to (proc(5)).
std::string fd_path(int fd);

// `shown_target` is the name used in errors (the path inside the container).
void mount_at(const std::string& source, const std::string& target_path, const std::string& shown_target,
              const std::string& type, unsigned long flags, const std::string& data);
void set_propagation(const std::string& target_path, const std::string& shown_target, unsigned long propagation);
// MS_REMOUNT | MS_BIND with `flags`, keeping the flags the mount already has that cannot be dropped
// (a remount must repeat the locked atime/nodev/nosuid/noexec flags, mount(2)).
void remount_bind(const std::string& target_path, const std::string& shown_target, unsigned long flags);
// mount_setattr(2) AT_RECURSIVE on the mount tree at `fd` (an O_PATH fd of its root): MOUNT_ATTR_* bits.
void set_tree_attributes(int fd, const std::string& shown_target, uint64_t set, uint64_t clear);
// A detached bind of `source` (its whole tree with `recursive`), ready for attach_tree (open_tree(2)
// OPEN_TREE_CLONE): it reaches `source` by the caller's credentials and view, whoever attaches it later.
UniqueFd clone_tree(const std::string& source, const std::string& shown_target, bool recursive);
// The same, idmapped through the user namespace `userns_fd` (only its top mount unless `idmap_recursive`).
UniqueFd clone_idmapped(const std::string& source, const std::string& shown_target, bool recursive,
                        bool idmap_recursive, int userns_fd);
// move_mount(2) of the detached tree `tree_fd` onto `target_fd`.
void attach_tree(int tree_fd, int target_fd, const std::string& shown_target);
// The MS_* flags of the mount a path sits on (statvfs(3) f_flag).
unsigned long mount_flags_of(const std::string& path);
// The id of the mount a path sits on (statx(2) STATX_MNT_ID), as in /proc/PID/mountinfo.
uint64_t mount_id_of(const std::string& path);
// Lazily unmounts (MNT_DETACH) whatever was mounted on `path` since it sat on mount `original_id`,
// with everything beneath; nothing when `path` is gone or no longer covered.
void detach_mounts_over(const std::string& path, uint64_t original_id);

}  // namespace ocirt::linux_
