// Manager::stats: each controller's usage from the hierarchy that holds it.
#include <unistd.h>

#include "cgroups/manager.hpp"
#include "cgroups/stats.hpp"

namespace ocirt::cgroups {
namespace {

using Reader = void (*)(const std::string&, Stats&);

struct Source {
    const char* v1_controller;
    Reader v1;
    const char* v2_file;  // present in a cgroup2 cgroup once its controller is enabled there
    Reader v2;
};

}  // namespace

Stats Manager::stats() const {
    static const Source kSources[] = {
        {"cpuacct", read_v1_cpuacct, "cpu.stat", read_v2_cpu},
        {"cpu", read_v1_cpu, nullptr, nullptr},
        {"memory", read_v1_memory, "memory.current", read_v2_memory},
        {"pids", read_v1_pids, "pids.current", read_v2_pids},
        {"blkio", read_v1_blkio, "io.stat", read_v2_io},
        {"hugetlb", read_v1_hugetlb, "hugetlb.", read_v2_hugetlb},
    };
    Stats stats;
    const Placement* u = unified();
    for (const auto& source : kSources) {
        if (const Placement* p = v1_with(source.v1_controller)) {
            source.v1(p->directory(), stats);
            continue;
        }
        if (!u || !source.v2) continue;
        std::string dir = u->directory();
        // hugetlb files are named per page size, so only the reader knows them; it finds none when disabled.
        if (std::string(source.v2_file) != "hugetlb." && ::access((dir + "/" + source.v2_file).c_str(), F_OK) != 0)
            continue;
        source.v2(dir, stats);
    }
    return stats;
}

}  // namespace ocirt::cgroups
