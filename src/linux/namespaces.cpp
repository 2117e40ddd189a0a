#include "linux/namespaces.hpp"

#include <fcntl.h>
#include <sched.h>

#include "util/error.hpp"

namespace ocirt::linux_ {

UniqueFd open_namespace(const std::string& type, const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open " + type + " namespace " + quoted(path));
    return UniqueFd(fd);
}

void join_namespace(int ns_fd, int clone_flag, const std::string& type, const std::string& path) {
    if (::setns(ns_fd, clone_flag) < 0) throw SysError("join " + type + " namespace " + quoted(path));
}

std::string clone_flag_names(int clone_flags) {
    static const std::pair<int, const char*> names[] = {
        {CLONE_NEWUSER, "user"}, {CLONE_NEWNS, "mount"},   {CLONE_NEWUTS, "uts"},     {CLONE_NEWIPC, "ipc"},
        {CLONE_NEWNET, "network"}, {CLONE_NEWPID, "pid"}, {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWTIME, "time"},
    };
    std::string out;
    for (const auto& [flag, name] : names)
        // Appended, not "|" + std::string: GCC 12 at -O3 reports a false -Wrestrict inside libstdc++ for that.
        if (clone_flags & flag) out.append(out.empty() ? "" : "|").append(name);
    return out;
}

void unshare_namespaces(int clone_flags) {
    if (clone_flags == 0) return;
    if (::unshare(clone_flags) < 0) throw SysError("unshare " + clone_flag_names(clone_flags) + " namespaces");
}

}  // namespace ocirt::linux_
