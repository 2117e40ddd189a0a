#include "runtime/delete.hpp"

#include <csignal>

#include "cgroups/drivers.hpp"
#include "hooks/lifecycle_hooks.hpp"
#include "linux/mounts.hpp"
#include "runtime/signals.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

constexpr auto kExitTimeout = std::chrono::seconds(10);

void kill_everything(const std::string& id, const state::Record& record, cgroups::Manager& cgroup) {
    with_context("kill the container's processes", [&] { cgroup.signal_all(SIGKILL); });
    signal_init(record, SIGKILL);
    if (!wait_init_exit(record, kExitTimeout))
        throw Error("container " + ocirt::quoted(id) + ": init " + std::to_string(record.pid) + " did not die after SIGKILL");
}

// A create killed after making its cgroup (and maybe its init) but before saving state.json: kill what
// joined the cgroup and remove it. The directories may be only partly made, so a missing one is no error.
void remove_pending_cgroup(const state::Container& container) {
    std::string pending = container.pending_cgroup();
    if (pending.empty()) return;
    auto cgroup = cgroups::open_recorded(cgroups::RecordedCgroup::from_pending_text(pending));
    std::vector<pid_t> pids;
    try {
        pids = cgroup->pids();
    } catch (const Error&) {
    }
    if (!pids.empty()) with_context("kill the processes of a half-made container", [&] { cgroup->signal_all(SIGKILL); });
    with_context("remove cgroup", [&] { cgroup->destroy(); });
}

}  // namespace

void delete_container(const DeleteRequest& request) {
    state::Store store(request.root);
    state::validate_id(request.id);
    if (request.force && !store.exists(request.id)) return;
    std::optional<state::Container> opened;
    try {
        opened.emplace(store.open(request.id));
    } catch (const Error&) {
        if (request.force && !store.exists(request.id)) return;
        throw;
    }
    state::Container& container = *opened;
    if (!container.has_record()) {
        // The lock was free yet nothing was saved: a create died before it recorded anything.
        log::debug("delete: " + ocirt::quoted(request.id) + " has no state.json; removing its directory");
        remove_pending_cgroup(container);
        container.remove();
        return;
    }
    state::Record record = container.load();
    state::Status status = state::derive_status(record, container.dir());
    // runtime.md "Delete": "Attempting to delete a container that is not stopped MUST generate an error."
    if (status != state::Status::stopped && !request.force)
        throw Error("container " + ocirt::quoted(request.id) + " is " + std::string(state::to_string(status)) +
                    "; stop it first or use --force");
    auto cgroup = cgroups::open_recorded(record.cgroup);
    if (status != state::Status::stopped)
        kill_everything(request.id, record, *cgroup);
    else if (!cgroup->pids().empty())
        with_context("kill the processes left in the cgroup", [&] { cgroup->signal_all(SIGKILL); });
    with_context("remove cgroup", [&] { cgroup->destroy(); });
    // linux.netDevices stay where they are: config-linux.md "Namespace Lifecycle and Container Termination",
    // the runtime MUST NOT move them out of the namespace; the kernel returns physical devices to the initial
    // network namespace and destroys virtual ones when the namespace goes (runtime/net_devices.hpp).
    if (record.rootfs_mount_id_before)
        with_context("detach the rootfs from the host's mount namespace",
                     [&] { linux_::detach_mounts_over(record.rootfs, record.rootfs_mount_id_before); });
    container.remove();
    // The lock is let go first: a poststop hook may run ocirt on this container itself ("does not exist").
    opened.reset();
    hooks::run_poststop_hooks(record);
}

}  // namespace ocirt::runtime
