#include "init/process_attributes.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "linux/apparmor.hpp"
#include "linux/capabilities.hpp"
#include "linux/identity.hpp"
#include "linux/scheduling.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

void apply_rlimit(const plan::Rlimit& r) {
    try {
        linux_::set_rlimit(r.resource, r.name, r.soft, r.hard);
    } catch (const Error& e) {
        throw Error(e.frames(), e.message(), e.errno_value(), r.pointer);
    }
}

// CVE-2024-21626: a cwd reached through an fd the runtime still holds ("/proc/self/fd/N") may lie outside
// the container's root; getcwd(3) then fails with ENOENT (the kernel's answer starts with "(unreachable)").
void check_cwd_is_inside_root(const std::string& cwd) {
    char* path = ::getcwd(nullptr, 0);
    if (path) {
        std::free(path);
        return;
    }
    if (errno == ENOENT) throw Error("cwd " + quoted(cwd) + " is outside the container's root filesystem");
}

}  // namespace

void apply_privileged_attributes(const plan::ProcessPlan& p) {
    if (p.oom_score_adj) linux_::set_oom_score_adj(*p.oom_score_adj);
    if (p.scheduler) linux_::set_scheduler(*p.scheduler);
    if (p.io_priority) linux_::set_io_priority(*p.io_priority);
    if (!p.apparmor_profile.empty()) linux_::set_apparmor_exec_profile(p.apparmor_profile);
    for (const auto& r : p.rlimits) apply_rlimit(r);
    // capabilities(7): dropping from the bounding set needs CAP_SETPCAP, so it happens before the uid change.
    linux_::drop_bounding_set(p.capabilities.bounding);
    // capabilities(7): without PR_SET_KEEPCAPS, setuid from 0 to another uid clears the permitted set.
    linux_::set_keep_capabilities(true);
}

void apply_identity_and_capabilities(const plan::ProcessPlan& p) {
    // runc's order: chdir while still root, and once more as the user if root could not.
    bool in_cwd = ::chdir(p.cwd.c_str()) == 0;
    int chdir_errno = errno;
    linux_::set_identity(p.uid, p.gid, p.additional_gids, !p.keep_original_groups);
    ::umask(p.umask);
    if (!in_cwd && ::chdir(p.cwd.c_str()) < 0)
        throw SysError("chdir to cwd " + quoted(p.cwd), errno == ENOENT ? chdir_errno : errno);
    check_cwd_is_inside_root(p.cwd);
    linux_::set_keep_capabilities(false);
    const auto& caps = p.capabilities;
    linux_::set_capabilities(caps.effective, caps.permitted, caps.inheritable);
    // prctl(2) PR_CAP_AMBIENT_RAISE: the capability must already be permitted and inheritable.
    linux_::set_ambient_capabilities(caps.ambient);
}

void apply_final_cpu_affinity(const plan::ProcessPlan& process) {
    if (!process.exec_cpu_affinity.final_.empty())
        with_context("execCPUAffinity final", [&] { linux_::set_cpu_affinity(process.exec_cpu_affinity.final_); });
}

}  // namespace ocirt::init
