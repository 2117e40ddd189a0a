#include "cgroups/systemd/unit.hpp"

#include "cgroups/systemd/properties.hpp"
#include "cgroups/systemd/unit_calls.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {

SystemdUnit SystemdUnit::for_new_unit(SystemdCgroup unit, std::string id, Hierarchy::Mode mode,
                                      const SystemdSockets& sockets) {
    SystemdUnit d;
    d.bus_ = connect_systemd("create unit " + ocirt::quoted(unit.unit), sockets);
    if (sockets.user) {
        std::string manager = with_context("systemd --user", [&] { return manager_control_group(d.bus_.get()); });
        if (manager.empty() || manager.front() != '/')
            throw Error("systemd --user: the Manager's ControlGroup " + ocirt::quoted(manager) +
                        " is not a cgroup path");
        unit.cgroup = (manager == "/" ? "" : manager) + unit.cgroup;
    }
    d.unit_ = std::move(unit);
    d.id_ = std::move(id);
    d.mode_ = mode;
    d.sockets_ = sockets;
    return d;
}

SystemdUnit SystemdUnit::for_recorded(const std::string& unit, Hierarchy::Mode mode, bool user) {
    SystemdUnit d;
    d.mode_ = mode;
    d.unit_.unit = unit;
    // The sockets are found when a call needs them: kill, ps, pause and events never talk to systemd.
    d.sockets_.user = user;
    d.started_ = true;
    return d;
}

SystemdSockets SystemdUnit::sockets() const {
    return sockets_.bus.empty() ? systemd_sockets(sockets_.user) : sockets_;
}

void SystemdUnit::start(pid_t pid, const config::Resources& resources) {
    auto properties = transient_unit_properties(unit_, id_, pid, resources, mode_);
    if (!bus_) bus_ = connect_systemd("create unit " + ocirt::quoted(unit_.unit), sockets());
    start_transient_unit(bus_.get(), unit_.unit, properties, job_queued_);
    started_ = true;
    bus_.reset();
}

void SystemdUnit::update(const config::Resources& resources) {
    auto properties = resource_properties(resources, mode_);
    if (properties.empty()) return;
    if (!bus_) bus_ = connect_systemd("update unit " + ocirt::quoted(unit_.unit), sockets());
    set_unit_properties(bus_.get(), unit_.unit, properties);
}

void SystemdUnit::stop() {
    // A unit of this name that systemd did not start for this container (it refused StartTransientUnit, or
    // create failed before) belongs to someone else, or to nobody.
    if (!started_ && !job_queued_) return;
    if (!bus_) bus_ = connect_systemd("stop unit " + ocirt::quoted(unit_.unit), sockets());
    stop_unit(bus_.get(), unit_.unit);
    started_ = false;
}

}  // namespace ocirt::cgroups
