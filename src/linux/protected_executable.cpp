#include "linux/protected_executable.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace ocirt::linux_ {
namespace {

// Set across the one re-execution, so that a copy that is still writable fails instead of looping
// (src/entry.cpp sets it too).
constexpr const char* kReexecuted = "_OCIRT_PROTECTED_EXE";

// open_tree(2) OPEN_TREE_CLONE of a file: a detached bind mount of the binary alone, made read-only by
// mount_setattr(2); needs CAP_SYS_ADMIN over our mount namespace.
UniqueFd read_only_mount_of_self() {
    UniqueFd tree(::open_tree(AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (!tree) return {};
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY;
    if (::mount_setattr(tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) return {};
    return tree;
}

// memfd_create(2) with F_SEAL_WRITE (fcntl(2) "File seals"): the fallback without mount privileges.
UniqueFd sealed_copy_of_self() {
    UniqueFd exe(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!exe) throw SysError("open /proc/self/exe");
    struct stat st {};
    if (::fstat(exe.get(), &st) < 0) throw SysError("stat /proc/self/exe");
    UniqueFd copy(::memfd_create("ocirt", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!copy) throw SysError("memfd_create");
    for (off_t done = 0; done < st.st_size;) {
        ssize_t n = ::sendfile(copy.get(), exe.get(), nullptr, static_cast<size_t>(st.st_size - done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw SysError("copy /proc/self/exe into a memfd");
        done += n;
    }
    if (::fcntl(copy.get(), F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
        throw SysError("seal the memfd copy of ocirt");
    return copy;
}

}  // namespace

bool executable_is_protected() {
    struct statvfs vfs {};
    if (::statvfs("/proc/self/exe", &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) return true;
    UniqueFd exe(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!exe) return false;
    int seals = ::fcntl(exe.get(), F_GET_SEALS);
    return seals >= 0 && (seals & F_SEAL_WRITE);
}

void make_not_dumpable() {
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) throw SysError("prctl PR_SET_DUMPABLE 0");
}

void run_from_protected_executable(char** argv) {
    if (executable_is_protected()) {
        ::unsetenv(kReexecuted);
        return;
    }
    if (std::getenv(kReexecuted))
        throw Error("CVE-2019-5736 defence: re-executed from a protected copy, but /proc/self/exe is still writable");
    UniqueFd copy = read_only_mount_of_self();
    if (!copy) copy = sealed_copy_of_self();
    ::setenv(kReexecuted, "1", 1);
    ::syscall(SYS_execveat, copy.get(), "", argv, environ, AT_EMPTY_PATH);
    throw SysError("re-execute ocirt from its protected copy");
}

}  // namespace ocirt::linux_
