#pragma once
// The v2 driver, for a cgroup2-only host: the container's one cgroup on the cgroup2 mount, every resource
// group through its cgroup2 controller, cgroup.freeze and cgroup.kill.
#include "cgroups/cgroupfs.hpp"

namespace ocirt::cgroups {

class V2Manager final : public CgroupfsManager {
public:
    explicit V2Manager(Placement unified) : CgroupfsManager({std::move(unified)}) {}

    void apply(const config::Resources& resources) override;
    bool frozen() const override;
    bool can_freeze() const override;
    std::optional<std::string> clone_target() const override { return directory(); }

private:
    void set_frozen(bool frozen) override;
    bool killed_in_one_write() override;
    const Placement* pids_source() const override { return &placements_.front(); }
    std::string directory() const { return placements_.front().directory(); }
};

}  // namespace ocirt::cgroups
