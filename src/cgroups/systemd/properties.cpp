#include "cgroups/systemd/properties.hpp"

#include <charconv>
#include <map>
#include <sstream>

#include "cgroups/v2/resources.hpp"
#include "util/error.hpp"
#include "util/id_list.hpp"

namespace ocirt::cgroups {
namespace {

constexpr uint64_t kDefaultCpuPeriodUsec = 100000;
constexpr uint64_t kUsecPerSec = 1000000;
constexpr uint64_t kCpuQuotaStepUsec = 10000;
constexpr unsigned kMaxCpu = 8192;

bool is_slice(const std::string& unit) {
    return unit.size() > 6 && unit.compare(unit.size() - 6, 6, ".slice") == 0;
}

uint64_t limit_or_infinity(int64_t value) { return value < 0 ? kSystemdInfinity : static_cast<uint64_t>(value); }

// systemd.resource-control(5) CPUQuota= is kept as microseconds per second and written as a whole percent
// of the period, so a fractional percent is rounded up to the next 10 ms, as runc does.
uint64_t quota_per_second(int64_t quota, uint64_t period) {
    uint64_t per_second = static_cast<uint64_t>(quota) * kUsecPerSec / (period ? period : kDefaultCpuPeriodUsec);
    if (per_second % kCpuQuotaStepUsec != 0) per_second = (per_second / kCpuQuotaStepUsec + 1) * kCpuQuotaStepUsec;
    return per_second;
}

void add_cpu_bandwidth(int64_t quota, uint64_t period, std::vector<UnitProperty>& out) {
    if (period != 0) out.push_back({"CPUQuotaPeriodUSec", period});
    if (quota == 0 && period == 0) return;
    out.push_back({"CPUQuotaPerSecUSec", quota > 0 ? quota_per_second(quota, period) : kSystemdInfinity});
}

void add_cpu_bandwidth(const config::Cpu& cpu, std::vector<UnitProperty>& out) {
    add_cpu_bandwidth(cpu.quota.value_or(0), cpu.period.value_or(0), out);
}

// A unified value systemd has a property for: a number, or "max" for infinity where `max_allowed`.
uint64_t unified_number(const std::string& key, const std::string& text, bool max_allowed) {
    std::string_view v = text;
    while (!v.empty() && (v.front() == ' ' || v.front() == '\n')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\n')) v.remove_suffix(1);
    if (max_allowed && v == "max") return kSystemdInfinity;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec != std::errc() || end != v.data() + v.size() || v.empty())
        throw ConfigError("/linux/resources/unified/" + key,
                          ocirt::quoted(text) + " is not " + (max_allowed ? "a number or \"max\"" : "a number"));
    return value;
}

// runc's unifiedResToSystemdProps: the cgroup2 files systemd has a property for are sent as that property too,
// so that systemd, which rewrites a unit's files whenever it applies the unit's settings again (an update of
// another limit of the same controller, a daemon-reload), writes the config's value and not its default.
// The rest are written to the files only. cpu.idle and memory.oom.group are left to the files: their
// properties need systemd 252 and 253.
void add_unified(const std::map<std::string, std::string>& unified, std::vector<UnitProperty>& out) {
    static const std::map<std::string, const char*> kMemory = {{"memory.high", "MemoryHigh"},
                                                               {"memory.low", "MemoryLow"},
                                                               {"memory.min", "MemoryMin"},
                                                               {"memory.max", "MemoryMax"},
                                                               {"memory.swap.max", "MemorySwapMax"}};
    // A unified file overrides the spec field of the same file (the files are written in that order too), so
    // its property replaces the one already listed.
    auto replace = [&out](UnitProperty p) {
        std::erase_if(out, [&](const UnitProperty& q) { return q.name == p.name; });
        out.push_back(std::move(p));
    };
    std::vector<UnitProperty> bandwidth;
    for (const auto& [key, value] : unified) {
        std::string pointer = "/linux/resources/unified/" + key;
        if (auto memory = kMemory.find(key); memory != kMemory.end()) {
            replace({memory->second, unified_number(key, value, true)});
        } else if (key == "pids.max") {
            // systemd refuses TasksMax=0; the file still gets 0, as for pids.limit 0.
            if (uint64_t limit = unified_number(key, value, true); limit != 0) replace({"TasksMax", limit});
        } else if (key == "cpu.weight") {
            replace({"CPUWeight", unified_number(key, value, false)});
        } else if (key == "cpuset.cpus" || key == "cpuset.mems") {
            replace({key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", cpu_list_bitmask(value, pointer)});
        } else if (key == "cpu.max") {
            // cgroup-v2.rst "cpu.max": "$MAX [$PERIOD]".
            std::istringstream in(value);
            std::string max, period_text, extra;
            in >> max >> period_text >> extra;
            if (max.empty() || !extra.empty())
                throw ConfigError(pointer, ocirt::quoted(value) + " is not \"$MAX [$PERIOD]\"");
            uint64_t quota = unified_number(key, max, true);
            uint64_t period = period_text.empty() ? kDefaultCpuPeriodUsec : unified_number(key, period_text, false);
            add_cpu_bandwidth(quota == kSystemdInfinity ? 0 : static_cast<int64_t>(quota), period, bandwidth);
        }
    }
    for (auto& p : bandwidth) replace(std::move(p));
}

void add_cpuset(const config::Cpu& cpu, std::vector<UnitProperty>& out) {
    if (cpu.cpus && !cpu.cpus->empty())
        out.push_back({"AllowedCPUs", cpu_list_bitmask(*cpu.cpus, "/linux/resources/cpu/cpus")});
    if (cpu.mems && !cpu.mems->empty())
        out.push_back({"AllowedMemoryNodes", cpu_list_bitmask(*cpu.mems, "/linux/resources/cpu/mems")});
}

// The spec's swap is memory+swap; MemorySwapMax= is swap alone (runc's ConvertMemorySwapToCgroupV2Value).
std::optional<uint64_t> swap_max(const config::Memory& m) {
    int64_t limit = m.limit.value_or(0), swap = m.swap.value_or(0);
    if (swap < 0 || (limit < 0 && swap == 0)) return kSystemdInfinity;
    if (swap == 0 || limit <= 0 || swap < limit) return std::nullopt;
    return static_cast<uint64_t>(swap - limit);
}

void add_v1_limits(const config::Resources& r, std::vector<UnitProperty>& out) {
    if (r.memory && r.memory->limit && *r.memory->limit != 0)
        out.push_back({"MemoryLimit", limit_or_infinity(*r.memory->limit)});
    if (r.cpu && r.cpu->shares && *r.cpu->shares != 0) out.push_back({"CPUShares", *r.cpu->shares});
    if (r.cpu) add_cpu_bandwidth(*r.cpu, out);
    if (r.blockIO && r.blockIO->weight && *r.blockIO->weight != 0)
        out.push_back({"BlockIOWeight", uint64_t{*r.blockIO->weight}});
}

void add_v2_limits(const config::Resources& r, std::vector<UnitProperty>& out) {
    if (r.memory) {
        const config::Memory& m = *r.memory;
        if (m.limit && *m.limit != 0) out.push_back({"MemoryMax", limit_or_infinity(*m.limit)});
        if (m.reservation && *m.reservation != 0) out.push_back({"MemoryLow", limit_or_infinity(*m.reservation)});
        if (auto swap = swap_max(m)) out.push_back({"MemorySwapMax", *swap});
    }
    if (r.cpu && r.cpu->shares && *r.cpu->shares != 0)
        out.push_back({"CPUWeight", cpu_weight_of_shares(*r.cpu->shares)});
    if (r.cpu) add_cpu_bandwidth(*r.cpu, out);
}

}  // namespace

config::Resources with_systemd_cpu_quota(const config::Resources& resources) {
    config::Resources out = resources;
    if (!out.cpu || !out.cpu->quota || *out.cpu->quota <= 0) return out;
    uint64_t period = out.cpu->period.value_or(0);
    if (period == 0) period = kDefaultCpuPeriodUsec;
    out.cpu->quota = static_cast<int64_t>(quota_per_second(*out.cpu->quota, period) * period / kUsecPerSec);
    return out;
}

std::vector<uint8_t> cpu_list_bitmask(const std::string& list, const std::string& pointer) {
    // The list format the kernel's cpuset files take (bitmap_parselist: blanks and empty elements too), read
    // as runc reads execCPUAffinity and memoryPolicy.nodes.
    std::vector<uint8_t> mask;
    // The bound only keeps a range from growing without end; kMaxCpu is the limit that matters.
    for (int id : parse_id_list(list, pointer, "CPU or memory node", 1 << 20)) {
        auto cpu = static_cast<unsigned>(id);
        if (cpu >= kMaxCpu)
            throw ConfigError(pointer, ocirt::quoted(list) + ": " + std::to_string(cpu) +
                                           " is above the highest CPU or memory node systemd's AllowedCPUs= and "
                                           "AllowedMemoryNodes= take (" + std::to_string(kMaxCpu - 1) + ")");
        if (mask.size() <= cpu / 8) mask.resize(cpu / 8 + 1, 0);
        mask[cpu / 8] = static_cast<uint8_t>(mask[cpu / 8] | (1u << (cpu % 8)));
    }
    return mask;
}

std::vector<UnitProperty> transient_unit_properties(const SystemdCgroup& unit, const std::string& id, pid_t pid,
                                                    const config::Resources& resources, Hierarchy::Mode mode) {
    bool v2 = mode == Hierarchy::Mode::v2;
    std::vector<UnitProperty> out;
    out.push_back({"Description", "ocirt container " + id});
    if (is_slice(unit.unit)) {
        out.push_back({"Wants", std::vector<std::string>{unit.slice}});
    } else {
        out.push_back({"Slice", unit.slice});
        out.push_back({"PIDs", std::vector<uint32_t>{static_cast<uint32_t>(pid)}});
        // systemd.resource-control(5) Delegate=: the container may manage the cgroup tree below its scope.
        out.push_back({"Delegate", true});
    }
    out.push_back({"MemoryAccounting", true});
    out.push_back({"CPUAccounting", true});
    out.push_back({v2 ? "IOAccounting" : "BlockIOAccounting", true});
    out.push_back({"TasksAccounting", true});
    // systemd.scope(5): by default a scope conflicts with and is ordered before shutdown.target.
    out.push_back({"DefaultDependencies", false});
    auto limits = resource_properties(resources, mode);
    out.insert(out.end(), limits.begin(), limits.end());
    return out;
}

std::vector<UnitProperty> resource_properties(const config::Resources& resources, Hierarchy::Mode mode) {
    std::vector<UnitProperty> out;
    if (mode == Hierarchy::Mode::v2)
        add_v2_limits(resources, out);
    else
        add_v1_limits(resources, out);
    if (resources.pids && resources.pids->limit && *resources.pids->limit != 0)
        out.push_back({"TasksMax", limit_or_infinity(*resources.pids->limit)});
    if (resources.cpu) add_cpuset(*resources.cpu, out);
    if (mode == Hierarchy::Mode::v2) add_unified(resources.unified, out);
    return out;
}

}  // namespace ocirt::cgroups
