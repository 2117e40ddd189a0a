#include "runtime/update.hpp"

#include "cgroups/drivers.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {

namespace {

// config-linux.md Memory, checkBeforeUpdate: the runtime "MUST check if a new memory limit is lower than the current
// usage, and MUST reject the new limit". The v1 kernel refuses such a limit by itself (EBUSY), cgroup v2 would start
// the OOM killer instead; the check is the same for both, before anything is written.
void refuse_limit_below_usage(const config::Resources& resources, const cgroups::Manager& cgroup) {
    if (!resources.memory || !resources.memory->checkBeforeUpdate.value_or(false)) return;
    int64_t limit = resources.memory->limit.value_or(0);
    if (limit <= 0) return;  // unset (0) or unlimited (-1): nothing to compare
    uint64_t usage = cgroup.stats().memory.usage.usage;
    if (usage > static_cast<uint64_t>(limit))
        throw ConfigError("/memory/limit", std::to_string(limit) + " is below the container's memory usage (" + std::to_string(usage) +
                                               " bytes), and checkBeforeUpdate is set");
}

}  // namespace

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
    auto cgroup = cgroups::open_recorded(c.record.cgroup);
    refuse_limit_below_usage(resources, *cgroup);
    cgroup->apply(resources);
}

}  // namespace ocirt::runtime
