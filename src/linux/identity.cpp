#include "linux/identity.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace ocirt::linux_ {

void set_rlimit(int resource, const std::string& name, uint64_t soft, uint64_t hard) {
    rlimit limit{static_cast<rlim_t>(soft), static_cast<rlim_t>(hard)};
    if (::setrlimit(resource, &limit) == 0) return;
    int err = errno;
    rlimit current{};
    ::getrlimit(resource, &current);
    std::string what = "setrlimit " + name + " to soft " + std::to_string(soft) + ", hard " + std::to_string(hard);
    // setrlimit(2): raising the hard limit needs CAP_SYS_RESOURCE; RLIMIT_NOFILE is also capped by fs.nr_open.
    if (err == EPERM && hard > current.rlim_max)
        what += ": the hard limit cannot be raised above " + std::to_string(current.rlim_max);
    throw SysError(what, err);
}

void set_identity(uid_t uid, gid_t gid, const std::vector<gid_t>& additional_gids) {
    // user_namespaces(7): with /proc/self/setgroups "deny" (rootless) the call fails with EPERM; no group asked, none set.
    if (::setgroups(additional_gids.size(), additional_gids.data()) < 0 && !(errno == EPERM && additional_gids.empty()))
        throw SysError("setgroups");
    if (::setresgid(gid, gid, gid) < 0) throw SysError("setgid " + std::to_string(gid));
    if (::setresuid(uid, uid, uid) < 0) throw SysError("setuid " + std::to_string(uid));
}

void set_no_new_privileges() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) throw SysError("prctl PR_SET_NO_NEW_PRIVS");
}

void set_oom_score_adj(int value) {
    int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open /proc/self/oom_score_adj");
    std::string text = std::to_string(value);
    ssize_t n = ::write(fd, text.data(), text.size());
    int err = errno;
    ::close(fd);
    if (n < 0) throw SysError("set oom_score_adj to " + text, err);
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
