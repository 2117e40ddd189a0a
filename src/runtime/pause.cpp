#include "runtime/pause.hpp"

#include "cgroups/drivers.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

struct Loaded {
    state::Record record;
    state::Status status;
    bool frozen;  // a created container can be paused too, and its status still reads "created"
};

// No lock: a foreground `run` holds it for as long as its container lives.
Loaded load(const std::string& root, const std::string& id) {
    state::Container container = state::Store(root).open_unlocked(id);
    if (!container.has_record()) throw container.no_record_error();
    state::Record record = container.load();
    state::Status status = state::derive_status(record, container.dir());
    bool frozen = status == state::Status::paused ||
                  (status == state::Status::created && cgroups::open_recorded(record.cgroup)->frozen());
    return {record, status, frozen};
}

std::unique_ptr<cgroups::Manager> freezer_of(const std::string& id, const state::Record& record) {
    auto cgroup = cgroups::open_recorded(record.cgroup);
    if (!cgroup->can_freeze()) throw Error("container " + ocirt::quoted(id) + " has no cgroup that can be frozen");
    return cgroup;
}

std::string described(const Loaded& c) {
    return c.frozen ? "paused" : std::string(state::to_string(c.status));
}

}  // namespace

void pause_container(const std::string& root, const std::string& id) {
    Loaded c = load(root, id);
    if (c.status == state::Status::stopped) throw state::not_running(id);
    if (c.frozen || (c.status != state::Status::running && c.status != state::Status::created))
        throw Error("container " + ocirt::quoted(id) + " is " + described(c) + ", not running");
    with_context("freeze", [&] { freezer_of(id, c.record)->freeze(); });
}

void resume_container(const std::string& root, const std::string& id) {
    Loaded c = load(root, id);
    if (!c.frozen) throw Error("container " + ocirt::quoted(id) + " is " + described(c) + ", not paused");
    with_context("thaw", [&] { freezer_of(id, c.record)->thaw(); });
}

}  // namespace ocirt::runtime
