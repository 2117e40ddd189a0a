#include "linux/fork_into_cgroup.hpp"

#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

pid_t fork_into_cgroup(const std::optional<std::string>& cgroup_dir, int namespace_flags) {
    if (cgroup_dir) {
        UniqueFd cgroup(::open(cgroup_dir->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (cgroup) {
            clone_args args{};
            args.flags = CLONE_INTO_CGROUP | static_cast<uint64_t>(namespace_flags);
            args.exit_signal = SIGCHLD;
            args.cgroup = static_cast<uint64_t>(cgroup.get());
            // No atfork handlers run for a raw clone3; ocirt has no other thread that could hold a lock here.
            long pid = ::syscall(SYS_clone3, &args, sizeof args);
            if (pid >= 0) return static_cast<pid_t>(pid);
            // ENOSYS, E2BIG or EINVAL from a kernel before 5.7, or the cgroup refusing the child: fork.
        }
    }
    if (namespace_flags == 0) {
        pid_t pid = ::fork();
        if (pid < 0) throw SysError("fork");
        return pid;
    }
    long pid = ::syscall(SYS_clone, static_cast<unsigned long>(namespace_flags) | SIGCHLD, nullptr, nullptr, nullptr,
                         nullptr);
    if (pid < 0) throw SysError("clone into new namespaces");
    return static_cast<pid_t>(pid);
}

}  // namespace ocirt::linux_
