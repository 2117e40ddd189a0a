#include "runtime/pause.hpp"

#include "cgroups/drivers.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

std::unique_ptr<cgroups::Manager> freezer_of(const std::string& id, const state::Record& record) {
    auto cgroup = cgroups::open_recorded(record.cgroup);
    if (!cgroup->can_freeze()) throw Error("container " + ocirt::quoted(id) + " has no cgroup that can be frozen");
    return cgroup;
}

std::string described(const state::OpenedContainer& c, bool frozen) {
    return frozen ? "paused" : std::string(state::to_string(c.status));
}

}  // namespace

void pause_container(const std::string& root, const std::string& id) {
    state::OpenedContainer c = state::Store(root).open_for_change(id);
    if (c.status == state::Status::stopped) throw state::not_running(id);
    bool frozen = c.frozen();
    if (frozen || (c.status != state::Status::running && c.status != state::Status::created))
        throw Error("container " + ocirt::quoted(id) + " is " + described(c, frozen) + ", not running");
    with_context("freeze", [&] { freezer_of(id, c.record)->freeze(); });
}

void resume_container(const std::string& root, const std::string& id) {
    state::OpenedContainer c = state::Store(root).open_for_change(id);
    bool frozen = c.frozen();
    if (!frozen) throw Error("container " + ocirt::quoted(id) + " is " + described(c, frozen) + ", not paused");
    with_context("thaw", [&] { freezer_of(id, c.record)->thaw(); });
}

}  // namespace ocirt::runtime
