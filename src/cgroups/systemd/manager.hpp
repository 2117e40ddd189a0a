#pragma once
// The systemd driver (--systemd-cgroup): systemd makes the unit, and with it the cgroup directories, once the
// init's pid is known, and removes them when the unit stops; everything else goes through the cgroup files
// with the v1 or v2 driver, as runc's systemd driver does.
#include <memory>
#include <optional>

#include "cgroups/cgroupfs.hpp"
#include "cgroups/systemd/unit.hpp"

namespace ocirt::cgroups {

class SystemdManager final : public Manager {
public:
    // `files`: the v1 or v2 driver for the unit's cgroup ("<expanded slice>/<unit>" in every hierarchy).
    SystemdManager(SystemdUnit unit, std::unique_ptr<CgroupfsManager> files)
        : unit_(std::move(unit)), files_(std::move(files)) {}

    void create() override {}  // the directories are systemd's to make, when add_process starts the unit
    // The first pid starts the unit (PIDs=[pid] and the limits systemd understands), then the directories
    // systemd did not make are made, the pid joins every hierarchy and the resources given to apply() are
    // written: all before the caller lets the process go on.
    void add_process(pid_t pid) override;
    // Before the unit exists, the resources are kept for add_process; once it exists (update), systemd is
    // told the limits it understands (SetUnitProperties) before the files are written, as runc does.
    void apply(const config::Resources& resources) override;
    std::vector<pid_t> pids() const override { return files_->pids(); }
    void signal_all(int sig) override { files_->signal_all(sig); }
    bool frozen() const override { return files_->frozen(); }
    bool can_freeze() const override { return files_->can_freeze(); }
    void freeze() override { files_->freeze(); }
    void thaw() override { files_->thaw(); }
    Stats stats() const override { return files_->stats(); }
    // StopUnit first (systemd removes its directories), then whatever ocirt made itself.
    void destroy() override;
    const std::vector<Placement>& placements() const override { return files_->placements(); }
    // The unit's directory does not exist before the child does: systemd makes it for the child's pid.
    std::optional<std::string> clone_target() const override { return std::nullopt; }
    RecordedCgroup record() const override;

private:
    SystemdUnit unit_;
    std::unique_ptr<CgroupfsManager> files_;
    std::optional<config::Resources> pending_;  // apply() before systemd made the unit
};

}  // namespace ocirt::cgroups
