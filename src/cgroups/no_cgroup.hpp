#pragma once
// A container without a cgroup of its own (rootless, where the user may not create one): nothing to make,
// join, limit or remove; no processes are listed and nothing can freeze.
#include "cgroups/manager.hpp"

namespace ocirt::cgroups {

class NoCgroup final : public Manager {
public:
    void create() override {}
    void add_process(pid_t) override {}
    void apply(const config::Resources&) override {}
    std::vector<pid_t> pids() const override { return {}; }
    void signal_all(int) override {}
    bool frozen() const override { return false; }
    bool can_freeze() const override { return false; }
    void freeze() override;  // Error: no freezer
    void thaw() override;    // Error: no freezer
    Stats stats() const override { return {}; }
    void destroy() override {}
    const std::vector<Placement>& placements() const override { return none_; }
    std::optional<std::string> clone_target() const override { return std::nullopt; }
    RecordedCgroup record() const override { return {}; }

private:
    std::vector<Placement> none_;
};

}  // namespace ocirt::cgroups
