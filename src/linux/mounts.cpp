#include "linux/mounts.hpp"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <fcntl.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

std::string fd_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

void mount_at(const std::string& source, const std::string& target_path, const std::string& shown_target,
              const std::string& type, unsigned long flags, const std::string& data) {
    if (::mount(source.c_str(), target_path.c_str(), type.empty() ? nullptr : type.c_str(), flags,
                data.empty() ? nullptr : data.c_str()) < 0) {
        std::string what = (flags & MS_REMOUNT) ? "remount " + quoted(shown_target)
                           : (flags & MS_BIND) ? "bind " + quoted(source) + " on " + quoted(shown_target)
                                               : "mount " + quoted(source) + " on " + quoted(shown_target);
        if (!type.empty() && !(flags & MS_BIND)) what += " (type " + quoted(type) + ")";
        throw SysError(what);
    }
}

void set_propagation(const std::string& target_path, const std::string& shown_target, unsigned long propagation) {
    if (propagation == 0) return;
    if (::mount(nullptr, target_path.c_str(), nullptr, propagation, nullptr) < 0)
        throw SysError("set propagation of " + quoted(shown_target));
}

void set_tree_attributes(int fd, const std::string& shown_target, uint64_t set, uint64_t clear) {
    mount_attr attr{};
    attr.attr_set = set;
    attr.attr_clr = clear;
    if (::mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
        throw SysError("set the attributes of the mounts under " + quoted(shown_target));
}

UniqueFd clone_tree(const std::string& source, const std::string& shown_target, bool recursive) {
    int tree = ::open_tree(AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
    if (tree < 0) throw SysError("bind " + quoted(source) + " on " + quoted(shown_target) + ": open_tree");
    return UniqueFd(tree);
}

UniqueFd clone_idmapped(const std::string& source, const std::string& shown_target, bool recursive,
                        bool idmap_recursive, int userns_fd) {
    UniqueFd tree_fd = clone_tree(source, shown_target, recursive);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(userns_fd);
    if (::mount_setattr(tree_fd.get(), "", AT_EMPTY_PATH | (idmap_recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
        throw SysError("idmapped bind " + quoted(source) + " on " + quoted(shown_target) + ": mount_setattr");
    return tree_fd;
}

void attach_tree(int tree_fd, int target_fd, const std::string& shown_target) {
    if (::move_mount(tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw SysError("attach the bind on " + quoted(shown_target) + ": move_mount");
}

unsigned long mount_flags_of(const std::string& path) {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) < 0) throw SysError("statvfs " + quoted(path));
    unsigned long flags = 0;
    const std::pair<unsigned long, unsigned long> map[] = {
        {ST_RDONLY, MS_RDONLY},     {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},     {ST_NOATIME, MS_NOATIME},       {ST_NODIRATIME, MS_NODIRATIME},
        {ST_RELATIME, MS_RELATIME}, {ST_SYNCHRONOUS, MS_SYNCHRONOUS}, {ST_MANDLOCK, MS_MANDLOCK},
    };
    for (const auto& [st_flag, ms_flag] : map)
        if (st.f_flag & st_flag) flags |= ms_flag;
    return flags;
}

void remount_bind(const std::string& target_path, const std::string& shown_target, unsigned long flags) {
    unsigned long kept = mount_flags_of(target_path) & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
    if (::mount(nullptr, target_path.c_str(), nullptr, MS_REMOUNT | MS_BIND | flags | kept, nullptr) < 0)
        throw SysError("remount " + quoted(shown_target));
}

uint64_t mount_id_of(const std::string& path) {
    struct statx st {};
    if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &st) < 0) throw SysError("statx " + quoted(path));
    if (!(st.stx_mask & STATX_MNT_ID)) throw Error("statx " + quoted(path) + ": the kernel gave no mount id");
    return st.stx_mnt_id;
}

void detach_mounts_over(const std::string& path, uint64_t original_id) {
    for (int covered = 0; covered < 64; ++covered) {
        struct statx st {};
        if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &st) < 0) {
            if (errno == ENOENT) return;
            throw SysError("statx " + quoted(path));
        }
        if (st.stx_mnt_id == original_id) return;
        if (::umount2(path.c_str(), MNT_DETACH) < 0) throw SysError("unmount " + quoted(path));
    }
    throw Error("unmount " + quoted(path) + ": still covered after 64 unmounts");
}

}  // namespace ocirt::linux_
