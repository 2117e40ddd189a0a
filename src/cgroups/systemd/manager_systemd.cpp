// The Manager under --systemd-cgroup: systemd makes the unit and its cgroup directories, ocirt does the rest
// through the cgroup files, as runc's systemd driver does.
#include "cgroups/manager.hpp"
#include "cgroups/systemd/driver.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {

Manager Manager::for_systemd(const SystemdCgroup& unit, const std::string& id, const Hierarchy& hierarchy) {
    Manager m;
    for (const auto& h : hierarchy.all()) m.placements_.push_back({h, unit.cgroup, {}});
    m.encode_path();
    m.systemd_ = std::make_shared<SystemdDriver>(SystemdDriver::for_new_unit(unit, id, hierarchy.mode()));
    return m;
}

Manager Manager::from_state(const std::string& recorded_path, Driver driver, const Hierarchy& hierarchy) {
    Manager m = from_state(recorded_path, hierarchy);
    if (driver == Driver::systemd && !recorded_path.empty() && recorded_path.front() == '/')
        m.systemd_ = std::make_shared<SystemdDriver>(SystemdDriver::for_recorded(recorded_path, hierarchy.mode()));
    return m;
}

bool Manager::systemd_started() const { return systemd_ && systemd_->started(); }

void Manager::start_systemd_unit(pid_t pid) {
    config::Resources resources = pending_.value_or(config::Resources{});
    with_context("systemd", [&] { systemd_->start(pid, resources); });
    // systemd makes the unit's directory only in the hierarchies it manages (no v1 cpuset or freezer):
    // the others are ocirt's, as runc's joinCgroups makes them.
    make_directories();
    write_procs(pid);
    write_resources(resources);
    pending_.reset();
}

void Manager::update_systemd_unit(const config::Resources& resources) {
    with_context("systemd", [&] { systemd_->update(resources); });
}

void Manager::stop_systemd_unit() { systemd_->stop(); }

}  // namespace ocirt::cgroups
