#include "cgroups/systemd/manager.hpp"

#include "cgroups/systemd/properties.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {

void SystemdManager::add_process(pid_t pid) {
    if (unit_.started()) return files_->add_process(pid);
    config::Resources resources = pending_.value_or(config::Resources{});
    with_context("systemd", [&] { unit_.start(pid, resources); });
    // systemd makes the unit's directory only in the hierarchies it manages (no v1 cpuset or freezer):
    // the others are ocirt's, as runc's joinCgroups makes them.
    files_->create();
    files_->add_process(pid);
    files_->apply(with_systemd_cpu_quota(resources));
    pending_.reset();
}

void SystemdManager::apply(const config::Resources& resources) {
    if (!unit_.started()) {
        pending_ = resources;
        return;
    }
    with_context("systemd", [&] { unit_.update(resources); });
    files_->apply(with_systemd_cpu_quota(resources));
}

void SystemdManager::destroy() {
    std::optional<Error> stop_failure;
    try {
        with_context("systemd", [&] { unit_.stop(); });
    } catch (const Error& e) {
        stop_failure = e;
    }
    files_->destroy();
    if (stop_failure) throw *stop_failure;
}

RecordedCgroup SystemdManager::record() const {
    RecordedCgroup r = files_->record();
    r.systemd_unit = unit_.unit();
    r.systemd_user = unit_.user_instance();
    return r;
}

}  // namespace ocirt::cgroups
