#pragma once
// What the v1 and v2 drivers share: ocirt makes and removes the directories itself (cgroupfs), joins and
// lists processes through cgroup.procs, and signals every process with the cgroup frozen.
#include "cgroups/manager.hpp"

namespace ocirt::cgroups {

class CgroupfsManager : public Manager {
public:
    void create() override;                 // make_directories
    void add_process(pid_t pid) override;   // write_procs
    std::vector<pid_t> pids() const override;
    // SIGKILL: cgroup.kill where it does the whole job. Otherwise freeze, signal each listed pid, thaw (a
    // frozen task acts on a SIGKILL only once thawed, so a kill always leaves the cgroup thawed).
    void signal_all(int sig) override;
    void freeze() override;
    void thaw() override;
    Stats stats() const override;
    void destroy() override;  // remove_directories
    const std::vector<Placement>& placements() const override { return placements_; }
    RecordedCgroup record() const override;

protected:
    explicit CgroupfsManager(std::vector<Placement> placements) : placements_(std::move(placements)) {}
    // Does nothing when nothing can freeze the cgroup.
    virtual void set_frozen(bool frozen) = 0;
    // SIGKILLs every process of the container with one write (cgroup.kill), where one cgroup2 cgroup holds
    // them all and the kernel has the file; false when it did nothing.
    virtual bool killed_in_one_write() = 0;
    // The directory whose cgroup.procs (nested cgroups included) lists every process of the container.
    virtual const Placement* pids_source() const = 0;

    std::vector<Placement> placements_;
};

}  // namespace ocirt::cgroups
