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
    state::OpenedContainer c = state::Store(request.root).open_for_change(request.id);
    if (c.status == state::Status::stopped) {
        if (!request.all) throw state::not_running(request.id);
        // A container without a PID namespace of its own (a pod's shared one) leaves its init's children
        // running in its cgroup when the init exits. runc 1.1 signals them on "kill --all" of the stopped
        // container and exits 0, also when none is left; containerd's shim sends exactly that once the init
        // has exited, and waits for them to close the container's stdio before it reports the exit.
        if (!c.record.cgroup.empty()) {
            auto cgroup = cgroups::open_recorded(c.record.cgroup);
            if (!cgroup->pids().empty()) cgroup->signal_all(request.signal);
        }
        return;
    }
    log::debug("kill: " + signal_name(request.signal) + " to " + (request.all ? "every process of " : "the init of ") +
               ocirt::quoted(request.id));
    if (request.all && !c.record.cgroup.empty()) {
        cgroups::open_recorded(c.record.cgroup)->signal_all(request.signal);
        return;
    }
    // The init exited after its status was read: the signal found no process (ESRCH).
    if (!signal_init(c.record, request.signal))
        throw state::not_running(request.id, state::no_such_process(signal_name(request.signal), c.record.pid));
    // A frozen task does not act on SIGKILL until it is thawed (cgroup-v1 freezer-subsystem.txt), as runc does.
    if (request.signal == SIGKILL && c.frozen()) {
        try {
            with_context("thaw", [&] { cgroups::open_recorded(c.record.cgroup)->thaw(); });
        } catch (const Error& e) {
            // cgroup-v2.rst "Core Interface Files": a fatal signal kills a frozen task; once its cgroup is
            // empty, systemd may already have removed a scope's cgroup: nothing is left to thaw.
            if (e.errno_value() != ENOENT) throw;
        }
    }
}

}  // namespace ocirt::runtime
