#include "init/rootfs.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "init/cgroup_entry.hpp"
#include "init/device_nodes.hpp"
#include "linux/copy_tree.hpp"
#include "linux/devices.hpp"
#include "linux/mountinfo.hpp"
#include "linux/mount_userns.hpp"
#include "linux/mounts.hpp"
#include "linux/resolve.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

using plan::MountStep;

// pivot_root(2) fails when the parent mount of the new root is shared, and a bind from an unbindable
// mount fails. A shared parent becomes a slave (mount_namespaces(7): private when it has no peers), so
// the host's mounts still reach a slave or shared rootfs; an unbindable one becomes private.
void prepare_parent_mount(const std::string& rootfs) {
    auto mounts = linux_::read_mountinfo();
    std::string parent = linux_::mount_point_of(mounts, rootfs);
    std::string optional;
    for (const auto& m : mounts)
        if (m.mount_point == parent) optional = m.optional;
    if (optional.find("shared:") != std::string::npos)
        linux_::set_propagation(parent, parent, MS_SLAVE);
    else if (optional.find("unbindable") != std::string::npos)
        linux_::set_propagation(parent, parent, MS_PRIVATE);
}

std::string join_path(const std::string& dir, const std::string& name) {
    return dir == "/" ? "/" + name : dir + "/" + name;
}

// A mount target resolved inside the root, created when missing; never the root itself, which the
// rootfs bind must keep for pivot_root(2).
UniqueFd mount_target(int root_fd, const MountStep& m, bool as_file) {
    UniqueFd target = linux_::make_in_root(root_fd, m.destination, as_file);
    struct stat root_st {}, target_st {};
    if (::fstat(root_fd, &root_st) < 0 || ::fstat(target.get(), &target_st) < 0) throw SysError("stat " + quoted(m.destination));
    if (root_st.st_dev == target_st.st_dev && root_st.st_ino == target_st.st_ino)
        throw Error("mount target " + quoted(m.destination) + " resolves to the container's root directory");
    return target;
}

// mount_setattr(2) for the r* options, then the propagation, both on the mount just made.
void finish_mount(int root_fd, const MountStep& m) {
    if (m.recursive_attr_set == 0 && m.recursive_attr_clear == 0 && m.propagation == 0) return;
    UniqueFd mounted = linux_::open_in_root(root_fd, m.destination, O_PATH);
    if (m.recursive_attr_set || m.recursive_attr_clear)
        linux_::set_tree_attributes(mounted.get(), m.destination, m.recursive_attr_set, m.recursive_attr_clear);
    if (m.propagation) linux_::set_propagation(linux_::fd_path(mounted.get()), m.destination, m.propagation);
}

// CVE-2019-16884: procfs only on a real directory of the rootfs; a symlink there (or a file) would put the
// container's /proc, the masked and read-only paths and the runtime's /proc writes somewhere else.
void check_proc_destination(int root_fd, const MountStep& m) {
    int fd = -1;
    try {
        fd = linux_::open_in_root(root_fd, m.destination, O_PATH | O_NOFOLLOW).release();
    } catch (const Error& e) {
        if (e.errno_value() == ENOENT) return;
        throw;
    }
    UniqueFd existing(fd);
    struct stat st {};
    if (::fstat(existing.get(), &st) < 0) throw SysError("stat " + quoted(m.destination));
    if (!S_ISDIR(st.st_mode))
        throw Error("mount " + quoted(m.type) + " on " + quoted(m.destination) + ": the destination is not a directory" +
                    (S_ISLNK(st.st_mode) ? " (a symlink)" : ""));
}

void mount_filesystem(int root_fd, const MountStep& m) {
    if (m.type == "proc") check_proc_destination(root_fd, m);
    UniqueFd target = mount_target(root_fd, m, false);
    if (!m.copy_up) {
        linux_::mount_at(m.source, linux_::fd_path(target.get()), m.destination, m.type, m.flags, m.data);
        finish_mount(root_fd, m);
        return;
    }
    // tmpcopyup: an fd opened before the mount still reaches the directory the tmpfs then covers, so its
    // contents are copied from there; a read-only tmpfs is filled first and made read-only after.
    int covered_fd = ::open(linux_::fd_path(target.get()).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (covered_fd < 0) throw SysError("open " + quoted(m.destination) + " to copy it up");
    UniqueFd covered(covered_fd);
    linux_::mount_at(m.source, linux_::fd_path(target.get()), m.destination, m.type, m.flags & ~MS_RDONLY, m.data);
    UniqueFd fresh = linux_::open_in_root(root_fd, m.destination, O_RDONLY | O_DIRECTORY);
    linux_::copy_tree(covered.get(), fresh.get(), m.destination);
    if (m.flags & MS_RDONLY)
        linux_::mount_at("", linux_::fd_path(fresh.get()), m.destination, "", MS_REMOUNT | m.flags, m.data);
    finish_mount(root_fd, m);
}

UniqueFd idmap_user_namespace(const MountStep& m) {
    if (!m.uid_mappings.empty()) return linux_::mapped_user_namespace(m.uid_mappings, m.gid_mappings);
    // config.md idmap: without mappings of its own the mount takes the container's user namespace.
    int fd = ::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open the container's user namespace");
    return UniqueFd(fd);
}

void mount_bind(int root_fd, const MountStep& m, int source_tree) {
    struct stat st {};
    // A tree cloned before the user namespace was entered is stat'ed through its fd: the container's ids may
    // not traverse the directories above its source.
    int looked_up = source_tree >= 0 ? ::fstat(source_tree, &st) : ::stat(m.source.c_str(), &st);
    if (looked_up < 0) throw SysError("bind " + quoted(m.source) + " on " + quoted(m.destination));
    UniqueFd target = mount_target(root_fd, m, !S_ISDIR(st.st_mode));
    if (source_tree >= 0) {
        linux_::attach_tree(source_tree, target.get(), m.destination);
    } else if (m.idmap) {
        UniqueFd userns = idmap_user_namespace(m);
        UniqueFd tree = linux_::clone_idmapped(m.source, m.destination, m.recursive, m.idmap_recursive, userns.get());
        linux_::attach_tree(tree.get(), target.get(), m.destination);
    } else {
        linux_::mount_at(m.source, linux_::fd_path(target.get()), m.destination, "", MS_BIND | (m.recursive ? MS_REC : 0), "");
    }
    // mount(2): a bind mount ignores the other flags; they take effect through a remount of the new mount.
    if (m.flags) {
        UniqueFd mounted = linux_::open_in_root(root_fd, m.destination, O_PATH);
        linux_::remount_bind(linux_::fd_path(mounted.get()), m.destination, m.flags);
    }
    finish_mount(root_fd, m);
}

// A "cgroup" mount on a v1 or hybrid host: a tmpfs holding one mount per hierarchy, each showing the
// container's cgroup namespace (or, with bind_host_cgroups, a bind of the container's own cgroup
// directory, as runc does without a cgroup namespace), and links for co-mounted controllers
// ("cpu" → "cpu,cpuacct").
void mount_cgroups(const InitContext& ctx, int root_fd, const MountStep& m) {
    unsigned long flags = m.flags & ~MS_RDONLY;
    UniqueFd target = linux_::make_in_root(root_fd, m.destination, false);
    linux_::mount_at("tmpfs", linux_::fd_path(target.get()), m.destination, "tmpfs", flags, "mode=755");
    // The tmpfs is ours and new: its directories are made relative to its root instead of resolving each
    // path in the container again. O_NOFOLLOW|O_DIRECTORY refuses anything but a directory in it.
    UniqueFd top = linux_::open_in_root(root_fd, m.destination, O_PATH | O_DIRECTORY);
    for (const auto& h : ctx.plan.cgroup_hierarchies) {
        std::string dest = join_path(m.destination, h.name);
        if (::mkdirat(top.get(), h.name.c_str(), 0755) < 0 && errno != EEXIST) throw SysError("mkdir " + quoted(dest));
        int fd = ::openat(top.get(), h.name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) throw SysError("open " + quoted(dest));
        UniqueFd sub(fd);
        if (ctx.plan.bind_host_cgroups) {
            linux_::mount_at(h.container_directory, linux_::fd_path(sub.get()), dest, "", MS_BIND, "");
            // mount(2): a bind ignores the other flags until a remount.
            UniqueFd bound = linux_::open_in_root(root_fd, dest, O_PATH);
            linux_::remount_bind(linux_::fd_path(bound.get()), dest, m.flags);
        } else {
            linux_::mount_at("cgroup", linux_::fd_path(sub.get()), dest, h.v2 ? "cgroup2" : "cgroup", m.flags,
                             h.v2 ? "" : h.options);
        }
        if (h.name.find(',') == std::string::npos) continue;
        size_t i = 0;
        while (i <= h.name.size()) {
            size_t j = h.name.find(',', i);
            if (j == std::string::npos) j = h.name.size();
            std::string controller = h.name.substr(i, j - i);
            if (::symlinkat(h.name.c_str(), top.get(), controller.c_str()) < 0 && errno != EEXIST)
                throw SysError("symlink " + quoted(join_path(m.destination, controller)));
            i = j + 1;
        }
    }
    if (m.flags & MS_RDONLY) linux_::remount_bind(linux_::fd_path(top.get()), m.destination, MS_RDONLY | flags);
}

// A "cgroup" mount on a cgroup v2 host. cgroup_namespaces(7): a user namespace may mount cgroup2 only in a
// cgroup namespace it owns, so a container with a user namespace and no cgroup namespace gets a bind of its
// own cgroup directory instead, with the mount's flags (runc falls back to a bind there too, on EPERM or EBUSY).
void mount_cgroup2(const InitContext& ctx, int root_fd, const MountStep& m) {
    UniqueFd target = mount_target(root_fd, m, false);
    if (::mount(m.source.c_str(), linux_::fd_path(target.get()).c_str(), "cgroup2", m.flags,
                m.data.empty() ? nullptr : m.data.c_str()) == 0) {
        finish_mount(root_fd, m);
        return;
    }
    int err = errno;
    auto v2 = std::find_if(ctx.plan.cgroup_hierarchies.begin(), ctx.plan.cgroup_hierarchies.end(),
                           [](const plan::CgroupHierarchy& h) { return h.v2; });
    if ((err != EPERM && err != EBUSY) || !ctx.plan.bind_host_cgroups || v2 == ctx.plan.cgroup_hierarchies.end() ||
        v2->container_directory.empty())
        throw SysError("mount " + quoted(m.source) + " on " + quoted(m.destination) + " (type \"cgroup2\")", err);
    linux_::mount_at(v2->container_directory, linux_::fd_path(target.get()), m.destination, "", MS_BIND, "");
    UniqueFd bound = linux_::open_in_root(root_fd, m.destination, O_PATH);
    linux_::remount_bind(linux_::fd_path(bound.get()), m.destination, m.flags);
    finish_mount(root_fd, m);
}

// CVE-2025-31133: the container's /dev/null may be a symlink, or be swapped for one by a container sharing its
// /dev, so the mask source is opened once without following the last component, checked to be the null
// device (devices(7): char 1:3) and bound by its fd.
UniqueFd open_null_device() {
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("open \"/\"");
    UniqueFd null = linux_::open_in_root(root.get(), "/dev/null", O_PATH | O_NOFOLLOW);
    struct stat st {};
    if (::fstat(null.get(), &st) < 0) throw SysError("stat /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        throw Error("/dev/null in the container is not the null device (char 1:3), refusing to mask paths with it");
    return null;
}

}  // namespace

UniqueFd prepare_root(const InitContext& ctx) {
    const auto& rootfs = ctx.plan.rootfs;
    if (ctx.plan.has_mount_namespace) {
        unsigned long propagation = ctx.plan.root_propagation;
        linux_::set_propagation("/", "/", propagation);
        // mount_namespaces(7): a recursive MS_SLAVE or MS_PRIVATE leaves no mount shared or unbindable.
        bool parent_may_need_change = !(propagation & MS_REC) || !(propagation & (MS_SLAVE | MS_PRIVATE));
        if (parent_may_need_change) prepare_parent_mount(rootfs);
    }
    linux_::mount_at(rootfs, rootfs, rootfs, "", MS_BIND | MS_REC, "");
    int fd = ::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw SysError("open the root filesystem " + quoted(rootfs));
    ctx.step("rootfs bound");
    return UniqueFd(fd);
}

void mount_all(const InitContext& ctx, int root_fd) {
    for (size_t i = 0; i < ctx.plan.mounts.size(); ++i) {
        const auto& m = ctx.plan.mounts[i];
        int source_tree = ctx.bind_trees && i < ctx.bind_trees->size() ? (*ctx.bind_trees)[i].get() : -1;
        if (mount_needs_cgroup(m)) enter_cgroup(ctx);
        switch (m.kind) {
            case MountStep::Kind::filesystem:
                if (m.type == "cgroup2")
                    mount_cgroup2(ctx, root_fd, m);
                else
                    mount_filesystem(root_fd, m);
                break;
            case MountStep::Kind::bind: mount_bind(root_fd, m, source_tree); break;
            case MountStep::Kind::cgroup: mount_cgroups(ctx, root_fd, m); break;
        }
        ctx.step("mounted " + m.destination);
    }
}

void setup_dev(const InitContext& ctx, int root_fd) {
    if (!ctx.plan.setup_dev) return;
    linux_::make_in_root(root_fd, "/dev", false);
    // Before the default devices exist, so that a listed device may take a default one's path.
    for (const auto& d : ctx.plan.devices) linux_::check_device_path(root_fd, d.path, d.type, d.number);
    linux_::create_default_devices(root_fd);
    for (size_t i = 0; i < ctx.plan.devices.size(); ++i) {
        const auto& d = ctx.plan.devices[i];
        if (ctx.device_nodes && i < ctx.device_nodes->size())
            attach_device_node(root_fd, d, (*ctx.device_nodes)[i].get());
        else
            linux_::make_device(root_fd, d.path, d.type, d.number, d.mode, d.uid, d.gid);
    }
    linux_::create_default_dev_links(root_fd);
    ctx.step("devices created");
}

// rootfsPropagation on the container's "/" (config-linux.md). An r-form reaches every mount below it, so
// the mounts whose options ask for a propagation of their own get it back: Kubernetes' Bidirectional
// volumes come as rootfsPropagation "rshared" beside "rprivate" binds (containerd's CRI plugin).
static void apply_root_propagation(const InitContext& ctx) {
    linux_::set_propagation("/", "/", ctx.plan.root_propagation_after_pivot);
    if (!(ctx.plan.root_propagation_after_pivot & MS_REC)) return;
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("open \"/\"");
    for (const auto& m : ctx.plan.mounts) {
        if (m.propagation == 0) continue;
        UniqueFd mounted = linux_::open_in_root(root.get(), m.destination, O_PATH);
        linux_::set_propagation(linux_::fd_path(mounted.get()), m.destination, m.propagation);
    }
}

void enter_root(const InitContext& ctx, int root_fd) {
    if (!ctx.plan.has_mount_namespace) {
        // Sharing the host's mount namespace: pivot_root(2) would move the host's root, so only chroot(2);
        // the mounts stay in the host's namespace under the rootfs bind, which delete detaches.
        if (::fchdir(root_fd) < 0) throw SysError("chdir to the root filesystem");
        if (::chroot(".") < 0) throw SysError("chroot");
        if (::chdir("/") < 0) throw SysError("chdir \"/\"");
        ctx.step("chroot in the host's mount namespace");
        return;
    }
    if (ctx.plan.no_pivot) {
        // With --no-pivot: move the rootfs mount over "/" and chroot into it (runc's --no-pivot).
        if (::fchdir(root_fd) < 0) throw SysError("chdir to the root filesystem");
        if (::mount(ctx.plan.rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) < 0) throw SysError("move the root filesystem to \"/\"");
        if (::chroot(".") < 0) throw SysError("chroot");
        if (::chdir("/") < 0) throw SysError("chdir \"/\"");
        ctx.step("chroot");
        return;
    }
    int old_root = ::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old_root < 0) throw SysError("open \"/\"");
    UniqueFd old_root_fd(old_root);
    if (::fchdir(root_fd) < 0) throw SysError("chdir to the root filesystem");
    // pivot_root(2) ".", ".": the old root ends up mounted on top of the new one, then is detached.
    if (::syscall(SYS_pivot_root, ".", ".") < 0) throw SysError("pivot_root");
    if (::fchdir(old_root_fd.get()) < 0) throw SysError("chdir to the old root");
    if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0) throw SysError("make the old root rslave");
    if (::umount2(".", MNT_DETACH) < 0) throw SysError("unmount the old root");
    if (::chdir("/") < 0) throw SysError("chdir \"/\"");
    ctx.step("pivot_root");
    if (ctx.plan.root_propagation_after_pivot) apply_root_propagation(ctx);
}

void reopen_null_stdio(const InitContext& ctx) {
    if (!ctx.plan.has_mount_namespace) return;
    // A stdin, stdout or stderr the caller gave as its /dev/null (conmon, for a container without -i) is
    // a file on a mount outside the container's namespace, which CRIU cannot find to checkpoint: the
    // container's own null device takes its place, as runc does.
    int null = -1;
    for (int fd = 0; fd <= 2; ++fd) {
        struct stat st {};
        if (::fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) continue;
        if (null < 0) {
            null = ::open("/dev/null", O_RDWR | O_NOFOLLOW | O_CLOEXEC);
            if (null < 0 && errno == ENOENT) return;  // a rootfs without /dev/null keeps the caller's
            if (null < 0) throw SysError("open the container's /dev/null");
            struct stat own {};
            if (::fstat(null, &own) < 0 || !S_ISCHR(own.st_mode) || own.st_rdev != makedev(1, 3)) {
                ::close(null);
                throw Error("/dev/null in the container is not the null device (char 1:3)");
            }
        }
        if (::dup3(null, fd, 0) < 0) {
            ::close(null);
            throw SysError("put the container's /dev/null on fd " + std::to_string(fd));
        }
    }
    if (null >= 0) ::close(null);
    ctx.step("stdio on the container's /dev/null");
}

void mask_paths(const InitContext& ctx) {
    UniqueFd null_device;
    for (const auto& path : ctx.plan.masked_paths) {
        UniqueFd target(::open(path.c_str(), O_PATH | O_CLOEXEC));
        struct stat st {};
        if (!target || ::fstat(target.get(), &st) < 0) {
            if (errno == ENOENT) continue;
            throw SysError("mask " + quoted(path));
        }
        if (S_ISDIR(st.st_mode)) {
            linux_::mount_at("tmpfs", path, path, "tmpfs", MS_RDONLY, "");
            continue;
        }
        if (!null_device) null_device = open_null_device();
        UniqueFd tree(::open_tree(null_device.get(), "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH));
        if (!tree) throw SysError("mask " + quoted(path) + ": open_tree /dev/null");
        linux_::attach_tree(tree.get(), target.get(), path);
    }
    if (!ctx.plan.masked_paths.empty()) ctx.step("masked paths");
}

void make_paths_readonly(const InitContext& ctx) {
    for (const auto& path : ctx.plan.readonly_paths) {
        if (::access(path.c_str(), F_OK) < 0) {
            if (errno == ENOENT) continue;
            throw SysError("make " + quoted(path) + " read-only");
        }
        linux_::mount_at(path, path, path, "", MS_BIND | MS_REC, "");
        linux_::remount_bind(path, path, MS_RDONLY);
    }
    if (!ctx.plan.readonly_paths.empty()) ctx.step("read-only paths");
}

void make_root_readonly(const InitContext& ctx) {
    if (!ctx.plan.readonly_root) return;
    linux_::remount_bind("/", "/", MS_RDONLY);
    ctx.step("root read-only");
}

}  // namespace ocirt::init
