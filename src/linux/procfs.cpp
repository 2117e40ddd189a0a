#include "linux/procfs.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

constexpr ino_t kProcRootInode = 1;  // fs/proc/root.c: PROC_ROOT_INO

bool is_procfs(int fd) {
    struct statfs fs {};
    return ::fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC;
}

bool is_procfs_root(int fd) {
    struct stat st {};
    return is_procfs(fd) && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_ino == kProcRootInode;
}

UniqueFd fresh_procfs() {
    UniqueFd context(::fsopen("proc", FSOPEN_CLOEXEC));
    if (!context) return {};
    // proc(5) "subset=pid" would hide /proc/sys; the defaults show everything.
    if (::fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) return {};
    return UniqueFd(::fsmount(context.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
}

}  // namespace

UniqueFd open_procfs_root() {
    UniqueFd root = fresh_procfs();
    if (!root) root.reset(::open_tree(AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!root) root.reset(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("open /proc");
    if (!is_procfs_root(root.get())) throw Error("/proc is not the root of a procfs mount");
    return root;
}

UniqueFd open_proc_file(const std::string& relative, int flags) {
    UniqueFd root = open_procfs_root();
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS;
    int fd;
    do fd = static_cast<int>(::syscall(SYS_openat2, root.get(), relative.c_str(), &how, sizeof how));
    while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    if (fd < 0) throw SysError("open /proc/" + relative);
    UniqueFd file(fd);
    if (!is_procfs(file.get())) throw Error("/proc/" + relative + " is not on procfs");
    return file;
}

void write_proc_file_safely(const std::string& relative, const std::string& text, const std::string& what) {
    UniqueFd file = open_proc_file(relative, O_WRONLY);
    if (::write(file.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
        throw SysError(what + ": write /proc/" + relative);
}

}  // namespace ocirt::linux_
