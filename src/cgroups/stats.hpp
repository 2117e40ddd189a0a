#pragma once
// A container's resource usage read from its cgroup files, with the fields of runc's `events --stats`
// (runc types.Stats): cpu, memory, pids, blkio, hugetlb. One reader per controller and cgroup version;
// each takes the container's directory in the hierarchy that holds the controller and fills its part.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ocirt::cgroups {

struct CpuStats {
    uint64_t total = 0;                 // nanoseconds
    std::vector<uint64_t> percpu;       // nanoseconds
    std::vector<uint64_t> percpu_kernel;
    std::vector<uint64_t> percpu_user;
    uint64_t kernel = 0;                // nanoseconds
    uint64_t user = 0;                  // nanoseconds
    uint64_t periods = 0;
    uint64_t throttled_periods = 0;
    uint64_t throttled_time = 0;        // nanoseconds
};

struct MemoryEntry {
    uint64_t limit = 0;
    uint64_t usage = 0;
    uint64_t max = 0;
    uint64_t failcnt = 0;
};

struct MemoryStats {
    uint64_t cache = 0;
    MemoryEntry usage;
    MemoryEntry swap;  // memory + swap, as v1's memsw files count it (v2 values are summed to match)
    MemoryEntry kernel;
    MemoryEntry kernel_tcp;
    std::map<std::string, uint64_t> raw;  // memory.stat as it is
};

struct PidsStats {
    uint64_t current = 0;
    uint64_t limit = 0;  // 0: no limit ("max")
};

struct BlkioEntry {
    uint64_t major = 0;
    uint64_t minor = 0;
    std::string op;  // "Read", "Write", "Sync", "Async", "Discard", "Total"
    uint64_t value = 0;
};

struct BlkioStats {
    // runc's JSON name ("ioServiceBytesRecursive", ...) → entries
    std::map<std::string, std::vector<BlkioEntry>> recursive;
};

struct HugetlbStats {
    uint64_t usage = 0;
    uint64_t max = 0;
    uint64_t failcnt = 0;
};

struct Stats {
    CpuStats cpu;
    MemoryStats memory;
    PidsStats pids;
    BlkioStats blkio;
    std::map<std::string, HugetlbStats> hugetlb;  // page size as the files name it: "2MB", "1GB"
};

// cgroup v1 (Documentation/admin-guide/cgroup-v1/): cpuacct.usage, cpuacct.usage_percpu, cpuacct.usage_all,
// cpuacct.stat; cpu.stat; memory.{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes}, memory.memsw.*,
// memory.kmem.*, memory.kmem.tcp.*, memory.stat; pids.current/max; blkio CFQ, BFQ or throttle
// *_recursive files; hugetlb.<size>.{usage_in_bytes,max_usage_in_bytes,failcnt}.
void read_v1_cpuacct(const std::string& dir, Stats& out);
void read_v1_cpu(const std::string& dir, Stats& out);
void read_v1_memory(const std::string& dir, Stats& out);
void read_v1_pids(const std::string& dir, Stats& out);
void read_v1_blkio(const std::string& dir, Stats& out);
void read_v1_hugetlb(const std::string& dir, Stats& out);

// cgroup v2 (Documentation/admin-guide/cgroup-v2.rst): cpu.stat; memory.current/max/peak/stat/events,
// memory.swap.current/max; pids.current/max; io.stat; hugetlb.<size>.current/max/events.
void read_v2_cpu(const std::string& dir, Stats& out);
void read_v2_memory(const std::string& dir, Stats& out);
void read_v2_pids(const std::string& dir, Stats& out);
void read_v2_io(const std::string& dir, Stats& out);
void read_v2_hugetlb(const std::string& dir, Stats& out);

// runc's JSON for the "data" of a stats event, with its field names and its omitempty rules.
nlohmann::json stats_json(const Stats& stats);

}  // namespace ocirt::cgroups
