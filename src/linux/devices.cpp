#include "linux/devices.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "linux/mounts.hpp"
#include "linux/resolve.hpp"
#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

struct DefaultDevice {
    const char* name;
    unsigned major;
    unsigned minor;
};

// config-linux.md "Default Devices": all character devices, mode 0666.
constexpr DefaultDevice kDefaultDevices[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

void bind_host_device(int root_fd, const std::string& path) {
    UniqueFd target = make_in_root(root_fd, path, true);
    mount_at(path, fd_path(target.get()), path, "", MS_BIND, "");
}

std::pair<std::string, std::string> split_parent(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return {"/", path};
    return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

}  // namespace

void create_default_devices(int root_fd) {
    UniqueFd dev = open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
    for (const auto& d : kDefaultDevices) {
        std::string path = std::string("/dev/") + d.name;
        if (::unlinkat(dev.get(), d.name, 0) < 0 && errno != ENOENT) throw SysError("remove " + quoted(path));
        if (::mknodat(dev.get(), d.name, S_IFCHR | 0666, makedev(d.major, d.minor)) < 0) {
            // mknod(2): EPERM without CAP_MKNOD (e.g. in a user namespace): bind the host's node instead.
            if (errno != EPERM) throw SysError("mknod " + quoted(path));
            bind_host_device(root_fd, path);
            continue;
        }
        if (::fchmodat(dev.get(), d.name, 0666, 0) < 0) throw SysError("chmod " + quoted(path));
    }
}

void check_device_path(int root_fd, const std::string& path, mode_t type, dev_t number) {
    UniqueFd existing = open_in_root_if_exists(root_fd, path, O_PATH | O_NOFOLLOW);
    if (!existing) return;
    struct stat st {};
    if (::fstat(existing.get(), &st) < 0) throw SysError("stat " + quoted(path));
    bool same = (st.st_mode & S_IFMT) == type && (type == S_IFIFO || st.st_rdev == number);
    if (!same) throw Error("device " + quoted(path) + ": a file that is not this device is already there");
}

void make_device(int root_fd, const std::string& path, mode_t type, dev_t number, mode_t mode, uid_t uid, gid_t gid) {
    auto [dir, name] = split_parent(path);
    if (name.empty() || name == "." || name == "..") throw Error("device path " + quoted(path) + " names no file");
    UniqueFd parent = make_in_root(root_fd, dir, false);
    if (::unlinkat(parent.get(), name.c_str(), 0) < 0 && errno != ENOENT) {
        // unlink(2): EBUSY on a mount point, which a default device is in a user namespace (the host's node
        // bound there). A listed device at that path that is the same device is then already in place.
        int err = errno;
        struct stat st {};
        if (err == EBUSY && ::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            (st.st_mode & S_IFMT) == type && st.st_rdev == number)
            return;
        throw SysError("remove " + quoted(path), err);
    }
    if (::mknodat(parent.get(), name.c_str(), type | mode, number) < 0) {
        // mknod(2): EPERM without CAP_MKNOD in the initial user namespace: bind the host's node instead.
        if (errno != EPERM) throw SysError("mknod " + quoted(path));
        bind_host_device(root_fd, path);
        return;
    }
    if (::fchmodat(parent.get(), name.c_str(), mode, 0) < 0) throw SysError("chmod " + quoted(path));
    if (::fchownat(parent.get(), name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) < 0) throw SysError("chown " + quoted(path));
}

void create_default_dev_links(int root_fd) {
    UniqueFd dev = open_in_root(root_fd, "/dev", O_PATH | O_DIRECTORY);
    const std::pair<const char*, const char*> links[] = {
        {"/proc/self/fd", "fd"},         {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},   {"pts/ptmx", "ptmx"},
    };
    for (const auto& [target, name] : links)
        if (::symlinkat(target, dev.get(), name) < 0 && errno != EEXIST)
            throw SysError("symlink " + quoted(std::string("/dev/") + name) + " to " + quoted(target));
    if (::access("/proc/kcore", F_OK) == 0 && ::symlinkat("/proc/kcore", dev.get(), "core") < 0 && errno != EEXIST)
        throw SysError("symlink \"/dev/core\"");
}

}  // namespace ocirt::linux_
