#include "cgroups/stats_by_hierarchy.hpp"

#include <unistd.h>

namespace ocirt::cgroups {
namespace {

using StatsReader = void (*)(const std::string&, Stats&);

struct StatsSource {
    const char* v1_controller;
    StatsReader v1;
    StatsReader v2;
    // A file a cgroup2 cgroup has once the controller is enabled there; nullptr when the reader finds its own
    // (hugetlb files are named per page size).
    const char* v2_marker;
};

}  // namespace

Stats read_stats(const std::vector<Placement>& placements) {
    static const StatsSource kSources[] = {
        {"cpuacct", read_v1_cpuacct, read_v2_cpu, "cpu.stat"},
        {"cpu", read_v1_cpu, nullptr, nullptr},
        {"memory", read_v1_memory, read_v2_memory, "memory.current"},
        {"pids", read_v1_pids, read_v2_pids, "pids.current"},
        {"blkio", read_v1_blkio, read_v2_io, "io.stat"},
        {"hugetlb", read_v1_hugetlb, read_v2_hugetlb, nullptr},
    };
    Stats stats;
    const Placement* u = unified_placement(placements);
    for (const auto& source : kSources) {
        if (const Placement* p = v1_placement_with(placements, source.v1_controller)) {
            source.v1(p->directory(), stats);
            continue;
        }
        if (!u || !source.v2) continue;
        std::string dir = u->directory();
        if (source.v2_marker && ::access((dir + "/" + source.v2_marker).c_str(), F_OK) != 0) continue;
        source.v2(dir, stats);
    }
    return stats;
}

}  // namespace ocirt::cgroups
