#include "linux/identity.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "linux/procfs.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace ocirt::linux_ {

void set_rlimit(int resource, const std::string& name, uint64_t soft, uint64_t hard) {
    rlimit limit{static_cast<rlim_t>(soft), static_cast<rlim_t>(hard)};
    if (::setrlimit(resource, &limit) == 0) return;
    int err = errno;
    rlimit current{};
    ::getrlimit(resource, &current);
    std::string what = "setrlimit " + name + " to soft " + std::to_string(soft) + ", hard " + std::to_string(hard);
    // setrlimit(2): RLIMIT_NOFILE is capped by fs.nr_open even with CAP_SYS_RESOURCE (proc(5)); raising any other
    // hard limit needs that capability.
    if (err == EPERM && resource == RLIMIT_NOFILE) {
        auto nr_open = try_read_file("/proc/sys/fs/nr_open");
        if (nr_open && !nr_open->empty() && hard > std::stoull(*nr_open)) {
            what += ": RLIMIT_NOFILE cannot exceed fs.nr_open (" + nr_open->substr(0, nr_open->find('\n')) + ")";
            throw SysError(what, err);
        }
    }
    if (err == EPERM && hard > current.rlim_max)
        what += ": the hard limit cannot be raised above " + std::to_string(current.rlim_max) + " without CAP_SYS_RESOURCE";
    throw SysError(what, err);
}

void set_identity(uid_t uid, gid_t gid, const std::vector<gid_t>& additional_gids, bool set_groups) {
    // user_namespaces(7): with /proc/self/setgroups "deny" (rootless) the call fails with EPERM; no group asked, none set.
    if (set_groups && ::setgroups(additional_gids.size(), additional_gids.data()) < 0 && !(errno == EPERM && additional_gids.empty()))
        throw SysError("setgroups");
    if (::setresgid(gid, gid, gid) < 0) throw SysError("setgid " + std::to_string(gid));
    if (::setresuid(uid, uid, uid) < 0) throw SysError("setuid " + std::to_string(uid));
}

void set_no_new_privileges() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) throw SysError("prctl PR_SET_NO_NEW_PRIVS");
}

void set_oom_score_adj(int value) {
    // CVE-2025-52881: written after pivot_root, where the container could have covered its /proc.
    std::string text = std::to_string(value);
    write_proc_file_safely("self/oom_score_adj", text, "set oom_score_adj to " + text);
}

void reset_signals() {
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        ::signal(sig, SIG_DFL);
    }
}

}  // namespace ocirt::linux_
