#include "runtime/kill.hpp"

#include <cerrno>

#include "cgroups/drivers.hpp"
#include "runtime/signals.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {

void kill_container(const KillRequest& request) {
    // No lock: a foreground `run` may hold it while it waits for the very process this signals.
    state::Container container = state::Store(request.root).open_unlocked(request.id);
    if (!container.has_record()) throw container.no_record_error();
    state::Record record = container.load();
    state::Status status = state::derive_status(record, container.dir());
    if (status == state::Status::stopped) throw state::not_running(request.id);
    log::debug("kill: " + signal_name(request.signal) + " to " + (request.all ? "every process of " : "the init of ") +
               ocirt::quoted(request.id));
    if (request.all && !record.cgroup.empty()) {
        cgroups::open_recorded(record.cgroup)->signal_all(request.signal);
        return;
    }
    // The init exited after its status was read: the signal found no process (ESRCH).
    if (!signal_init(record, request.signal))
        throw state::not_running(request.id, state::no_such_process(signal_name(request.signal), record.pid));
    // A frozen task does not act on SIGKILL until it is thawed (cgroup-v1 freezer-subsystem.txt), as runc does.
    if (request.signal == SIGKILL && status == state::Status::paused) {
        try {
            with_context("thaw", [&] { cgroups::open_recorded(record.cgroup)->thaw(); });
        } catch (const Error& e) {
            // A concurrent delete removed the cgroup: rmdir(2) of a cgroup succeeds only once it has no
            // process, so there is nothing left to thaw and the signal has done its work.
            if (e.errno_value() != ENOENT) throw;
        }
    }
}

}  // namespace ocirt::runtime
