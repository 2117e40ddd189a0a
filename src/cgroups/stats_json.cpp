// runc's JSON for `events` stats (runc types/events.go). Go's `omitempty` drops a zero number and an
// empty list or map; the fields without it are always present.
#include <nlohmann/json.hpp>

#include "cgroups/stats.hpp"

namespace ocirt::cgroups {
namespace {

using nlohmann::json;

template <class T>
void put_nonempty(json& j, const char* key, const T& value) {
    if constexpr (std::is_arithmetic_v<T>) {
        if (value != 0) j[key] = value;
    } else {
        if (!value.empty()) j[key] = value;
    }
}

json memory_entry(const MemoryEntry& e) {
    json j = {{"limit", e.limit}, {"failcnt", e.failcnt}};
    put_nonempty(j, "usage", e.usage);
    put_nonempty(j, "max", e.max);
    return j;
}

json cpu(const CpuStats& c) {
    json usage = {{"kernel", c.kernel}, {"user", c.user}};
    put_nonempty(usage, "total", c.total);
    put_nonempty(usage, "percpu", c.percpu);
    put_nonempty(usage, "percpu_kernel", c.percpu_kernel);
    put_nonempty(usage, "percpu_user", c.percpu_user);
    json throttling = json::object();
    put_nonempty(throttling, "periods", c.periods);
    put_nonempty(throttling, "throttledPeriods", c.throttled_periods);
    put_nonempty(throttling, "throttledTime", c.throttled_time);
    return {{"usage", usage}, {"throttling", throttling}};
}

json memory(const MemoryStats& m) {
    json j = {{"usage", memory_entry(m.usage)},
              {"swap", memory_entry(m.swap)},
              {"kernel", memory_entry(m.kernel)},
              {"kernelTCP", memory_entry(m.kernel_tcp)}};
    put_nonempty(j, "cache", m.cache);
    put_nonempty(j, "raw", m.raw);
    return j;
}

json blkio(const BlkioStats& b) {
    json j = json::object();
    for (const auto& [key, entries] : b.recursive) {
        json list = json::array();
        for (const auto& e : entries) {
            json entry = json::object();
            put_nonempty(entry, "major", e.major);
            put_nonempty(entry, "minor", e.minor);
            put_nonempty(entry, "op", e.op);
            put_nonempty(entry, "value", e.value);
            list.push_back(entry);
        }
        if (!list.empty()) j[key] = list;
    }
    return j;
}

}  // namespace

nlohmann::json stats_json(const Stats& s) {
    json pids = json::object();
    put_nonempty(pids, "current", s.pids.current);
    put_nonempty(pids, "limit", s.pids.limit);
    json hugetlb = json::object();
    for (const auto& [size, h] : s.hugetlb) {
        json entry = {{"failcnt", h.failcnt}};
        put_nonempty(entry, "usage", h.usage);
        put_nonempty(entry, "max", h.max);
        hugetlb[size] = entry;
    }
    return {{"cpu", cpu(s.cpu)}, {"memory", memory(s.memory)}, {"pids", pids}, {"blkio", blkio(s.blkio)},
            {"hugetlb", hugetlb}};
}

}  // namespace ocirt::cgroups
