#include "runtime/pause.hpp"

#include "cgroups/manager.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

struct Loaded {
    state::Record record;
    state::Status status;
};

// No lock: a foreground `run` holds it for as long as its container lives.
Loaded load(const std::string& root, const std::string& id) {
    state::Container container = state::Store(root).open_unlocked(id);
    if (!container.has_record()) throw Error("container " + ocirt::quoted(id) + " is still being created");
    state::Record record = container.load();
    return {record, state::derive_status(record, container.dir())};
}

cgroups::Manager freezer_of(const std::string& id, const state::Record& record) {
    auto cgroup = cgroups::Manager::from_state(record.cgroup_path);
    if (!cgroup.can_freeze()) throw Error("container " + ocirt::quoted(id) + " has no cgroup that can be frozen");
    return cgroup;
}

}  // namespace

void pause_container(const std::string& root, const std::string& id) {
    auto [record, status] = load(root, id);
    if (status != state::Status::running && status != state::Status::created)
        throw Error("container " + ocirt::quoted(id) + " is " + std::string(state::to_string(status)) +
                    ", not running");
    with_context("freeze", [&] { freezer_of(id, record).freeze(); });
}

void resume_container(const std::string& root, const std::string& id) {
    auto [record, status] = load(root, id);
    if (status != state::Status::paused)
        throw Error("container " + ocirt::quoted(id) + " is " + std::string(state::to_string(status)) +
                    ", not paused");
    with_context("thaw", [&] { freezer_of(id, record).thaw(); });
}

}  // namespace ocirt::runtime
