#include "runtime/update.hpp"

#include "cgroups/drivers.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {

void update_container(const std::string& root, const std::string& id, config::Resources resources) {
    state::OpenedContainer c = state::Store(root).open_for_change(id);
    if (c.status == state::Status::stopped)
        throw state::not_running(id, "only a created, running or paused container can be updated");
    if (c.record.cgroup.empty()) throw Error("container " + ocirt::quoted(id) + " has no cgroup of its own");
    if (!resources.devices.empty()) {
        log::debug("update: the device rules are left unchanged (runc's update does not change them either)");
        resources.devices.clear();
    }
    if (resources.memory && resources.memory->limit == -1 && !resources.memory->swap) resources.memory->swap = -1;
    cgroups::open_recorded(c.record.cgroup)->apply(resources);
}

}  // namespace ocirt::runtime
