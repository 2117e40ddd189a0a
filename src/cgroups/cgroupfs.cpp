#include "cgroups/cgroupfs.hpp"

#include <cerrno>
#include <csignal>

#include "cgroups/poll.hpp"
#include "cgroups/stats_by_hierarchy.hpp"
#include "util/error.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::cgroups {

void CgroupfsManager::create() { make_directories(placements_); }

void CgroupfsManager::add_process(pid_t pid) { write_procs(placements_, pid); }

std::vector<pid_t> CgroupfsManager::pids() const {
    const Placement* p = pids_source();
    return p ? pids_below(p->directory()) : std::vector<pid_t>{};
}

void CgroupfsManager::freeze() {
    if (!can_freeze()) throw Error("no freezer: the cgroup has no v1 freezer controller and no cgroup.freeze file");
    set_frozen(true);
}

void CgroupfsManager::thaw() {
    if (!can_freeze()) throw Error("no freezer: the cgroup has no v1 freezer controller and no cgroup.freeze file");
    set_frozen(false);
}

Stats CgroupfsManager::stats() const { return read_stats(placements_); }

void CgroupfsManager::signal_all(int sig) {
    if (sig == SIGKILL && killed_in_one_write()) return;
    bool was_frozen = frozen();
    if (!was_frozen) {
        try {
            set_frozen(true);
        } catch (const Error&) {
            // A task already dying of another SIGKILL can keep a v1 freezer FREEZING past
            // the timeout. SIGKILL needs no freeze: thaw, then kill what is listed until nothing is.
            if (sig != SIGKILL) throw;
            try {
                set_frozen(false);
            } catch (const Error&) {
            }
            poll_until(
                [&] {
                    auto listed = pids();
                    for (pid_t pid : listed) ::kill(pid, SIGKILL);
                    return listed.empty();
                },
                kFreezeTimeout);
            return;
        }
    }
    ScopeExit thaw([&] {
        if (!was_frozen || sig == SIGKILL) {
            try {
                set_frozen(false);
            } catch (const Error&) {
            }
        }
    });
    for (pid_t pid : pids())
        if (::kill(pid, sig) != 0 && errno != ESRCH) throw SysError("kill " + std::to_string(pid));
}

void CgroupfsManager::destroy() { remove_directories(placements_); }

RecordedCgroup CgroupfsManager::record() const { return record_of(placements_); }

}  // namespace ocirt::cgroups
