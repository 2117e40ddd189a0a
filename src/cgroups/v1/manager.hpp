#pragma once
// The v1 driver: a container's cgroup in every v1 hierarchy, and on a hybrid host in the cgroup2 mount too.
// Each resource group goes to the v1 hierarchy that has its controller, else to the cgroup2 mount; the v1
// freezer freezes, else cgroup.freeze on the cgroup2 mount.
#include "cgroups/cgroupfs.hpp"

namespace ocirt::cgroups {

class V1Manager final : public CgroupfsManager {
public:
    explicit V1Manager(std::vector<Placement> placements) : CgroupfsManager(std::move(placements)) {}

    void apply(const config::Resources& resources) override;
    bool frozen() const override;
    bool can_freeze() const override;
    // A child cloned into the cgroup2 cgroup alone would still sit in the parent's v1 cgroups.
    std::optional<std::string> clone_target() const override { return std::nullopt; }

private:
    void set_frozen(bool frozen) override;
    bool killed_in_one_write() override;
    const Placement* pids_source() const override;
    const Placement* freezer() const { return v1_placement_with(placements_, "freezer"); }
};

}  // namespace ocirt::cgroups
