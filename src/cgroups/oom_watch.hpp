#pragma once
// Notices the kernel's OOM kills in a container's memory cgroup through one pollable fd.
// v1: an eventfd registered for memory.oom_control through cgroup.event_control (cgroup-v1 memory.rst
// "Memory thresholds" / "OOM Control"); v2: inotify on memory.events, whose oom_kill counter is compared
// (cgroup-v2.rst: a change to memory.events generates a file modified event).
#include <cstdint>
#include <optional>
#include <string>

#include "cgroups/placement.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::cgroups {

class OomWatch {
public:
    // nullopt when the container's cgroup has no memory controller in any hierarchy.
    static std::optional<OomWatch> open(const std::vector<Placement>& placements);
    static OomWatch open_v1(const std::string& memory_dir);
    static OomWatch open_v2(const std::string& cgroup_dir);

    int fd() const { return fd_.get(); }  // readable when something happened
    // Consumes what made fd() readable; returns how many OOM kills happened since the last call (0 when the
    // wake-up was something else, such as the v1 cgroup being removed).
    uint64_t take();

private:
    OomWatch() = default;
    bool v2_ = false;
    std::string dir_;
    UniqueFd fd_;
    UniqueFd control_;     // v1: memory.oom_control, kept open while registered
    uint64_t last_kills_ = 0;  // v2: oom_kill of memory.events at the last look
};

}  // namespace ocirt::cgroups
