#include "runtime/update.hpp"

#include "cgroups/drivers.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {

void update_container(const std::string& root, const std::string& id, config::Resources resources) {
    // No lock: a foreground `run` holds it for as long as its container lives.
    state::Container container = state::Store(root).open_unlocked(id);
    if (!container.has_record()) throw container.no_record_error();
    state::Record record = container.load();
    state::Status status = state::derive_status(record, container.dir());
    if (status == state::Status::stopped)
        throw state::not_running(id, "only a created, running or paused container can be updated");
    if (record.cgroup.empty()) throw Error("container " + ocirt::quoted(id) + " has no cgroup of its own");
    if (!resources.devices.empty()) {
        log::debug("update: the device rules are left unchanged (runc's update does not change them either)");
        resources.devices.clear();
    }
    if (resources.memory && resources.memory->limit == -1 && !resources.memory->swap) resources.memory->swap = -1;
    cgroups::open_recorded(record.cgroup)->apply(resources);
}

}  // namespace ocirt::runtime
