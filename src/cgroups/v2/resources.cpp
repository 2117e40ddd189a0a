// linux.resources → cgroup v2 files (Documentation/admin-guide/cgroup-v2.rst). Where cgroup v2 has no
// equivalent of a v1 knob the spec says "If the conversion is not possible the runtime MUST generate an
// error" (config-linux.md "Unified"), so those are errors, as in crun; kernel/kernelTCP are ignored (with a
// warning) as runc ignores them, the spec marking them NOT RECOMMENDED.
#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "cgroups/resource_writes.hpp"
#include "cgroups/v2/resources.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::cgroups {
namespace {

const std::string kResourcesPointer = "/linux/resources";

// A map key as a JSON pointer token (RFC 6901: "~" → "~0", "/" → "~1").
std::string pointer_token(const std::string& key) {
    std::string out;
    for (char ch : key) {
        if (ch == '~') out += "~0";
        else if (ch == '/') out += "~1";
        else out += ch;
    }
    return out;
}

// runc's numToStr: 0 leaves the file alone, a negative value removes the limit.
std::optional<std::string> limit_text(int64_t value) {
    if (value == 0) return std::nullopt;
    if (value < 0) return std::string("max");
    return std::to_string(value);
}

class V2Writes {
public:
    void add(Group group, std::string file, std::string value, std::string pointer) {
        out_.push_back({group, std::move(file), std::move(value), std::move(pointer)});
    }
    std::vector<FileWrite> take() { return std::move(out_); }

private:
    std::vector<FileWrite> out_;
};

// The spec's swap is memory+swap (the v1 memsw limit); memory.swap.max is swap alone. As runc's
// ConvertMemorySwapToCgroupV2Value: -1 is "max", 0 is unset, and an unlimited memory with no swap given
// makes swap unlimited too.
std::optional<std::string> swap_max(const config::Memory& m, const std::string& pointer) {
    int64_t memory = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);
    if (memory < 0 && swap == 0) return std::string("max");
    if (swap < 0) return std::string("max");
    if (swap == 0) return std::nullopt;
    if (memory < 0) return std::to_string(swap);
    if (memory == 0) throw ConfigError(pointer, "a swap limit needs memory.limit (swap is memory+swap)");
    if (swap < memory)
        throw ConfigError(pointer,
                          "memory+swap (" + std::to_string(swap) + ") is below memory.limit (" + std::to_string(memory) + ")");
    return std::to_string(swap - memory);
}

void memory_writes(const config::Memory& m, const V2Files& files, V2Writes& out) {
    const std::string base = kResourcesPointer + "/memory";
    if (m.swappiness)
        throw ConfigError(base + "/swappiness", "cgroup v2 has no per-cgroup swappiness");
    if (m.disableOOMKiller.value_or(false))
        throw ConfigError(base + "/disableOOMKiller", "cgroup v2 cannot disable the OOM killer");
    if (m.useHierarchy && !*m.useHierarchy)
        throw ConfigError(base + "/useHierarchy", "cgroup v2 is always hierarchical");
    // Not refused, as runc ignores them and Docker 20.10 sends kernel for --kernel-memory; said, not dropped silently.
    if (m.kernel)
        log::warn(base + "/kernel: not applied: kernel memory limits are obsolete since Linux 5.4 (kernel memory is "
                  "charged to memory.limit)");
    if (m.kernelTCP) log::warn(base + "/kernelTCP: not applied: cgroup v2 has no separate TCP buffer limit");
    if (auto swap = swap_max(m, base + "/swap")) {
        // Without swap accounting there is no memory.swap.max; "no swap" and "any swap" then hold anyway.
        if (files.memory_swap)
            out.add(Group::memory, "memory.swap.max", *swap, base + "/swap");
        else if (*swap != "max" && *swap != "0")
            throw ConfigError(base + "/swap", "this kernel has no swap accounting (no memory.swap.max)");
    }
    if (m.limit)
        if (auto v = limit_text(*m.limit)) out.add(Group::memory, "memory.max", *v, base + "/limit");
    if (m.reservation)
        if (auto v = limit_text(*m.reservation)) out.add(Group::memory, "memory.low", *v, base + "/reservation");
}

void cpu_writes(const config::Cpu& c, V2Writes& out) {
    const std::string base = kResourcesPointer + "/cpu";
    if (c.realtimeRuntime.value_or(0) != 0)
        throw ConfigError(base + "/realtimeRuntime", "cgroup v2 has no realtime cpu controller");
    if (c.realtimePeriod.value_or(0) != 0)
        throw ConfigError(base + "/realtimePeriod", "cgroup v2 has no realtime cpu controller");
    if (c.idle) out.add(Group::cpu, "cpu.idle", std::to_string(*c.idle), base + "/idle");
    if (c.shares && *c.shares != 0)
        out.add(Group::cpu, "cpu.weight", std::to_string(cpu_weight_of_shares(*c.shares)), base + "/shares");
    int64_t quota = c.quota.value_or(0);
    uint64_t period = c.period.value_or(0);
    bool bandwidth = quota != 0 || period != 0;
    // The kernel rejects a burst above the quota in either write (tg_set_cfs_bandwidth), so a burst that
    // comes with a new quota is cleared first and set after it.
    if (c.burst && bandwidth) out.add(Group::cpu, "cpu.max.burst", "0", base + "/burst");
    if (bandwidth) {
        // cgroup-v2.rst "cpu.max": "$MAX $PERIOD"; runc and crun write the default period when none is given.
        std::string text = (quota > 0 ? std::to_string(quota) : "max") + " " + std::to_string(period ? period : 100000);
        out.add(Group::cpu, "cpu.max", text, base + (c.quota ? "/quota" : "/period"));
    }
    if (c.burst) out.add(Group::cpu, "cpu.max.burst", std::to_string(*c.burst), base + "/burst");
}

void cpuset_writes(const config::Cpu& c, V2Writes& out) {
    if (c.cpus) out.add(Group::cpuset, "cpuset.cpus", *c.cpus, kResourcesPointer + "/cpu/cpus");
    if (c.mems) out.add(Group::cpuset, "cpuset.mems", *c.mems, kResourcesPointer + "/cpu/mems");
}

void pids_writes(const config::Pids& p, V2Writes& out) {
    // runtime-spec 1.3: 0 is a real limit (no new task), -1 (any negative) is unlimited.
    if (p.limit)
        out.add(Group::pids, "pids.max", *p.limit < 0 ? "max" : std::to_string(*p.limit), kResourcesPointer + "/pids/limit");
}

std::string major_minor(int64_t major, int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

void blkio_writes(const config::BlockIO& b, const V2Files& files, V2Writes& out) {
    const std::string base = kResourcesPointer + "/blockIO";
    if (b.leafWeight) throw ConfigError(base + "/leafWeight", "cgroup v2 has no leaf weight");
    for (size_t i = 0; i < b.weightDevice.size(); ++i)
        if (b.weightDevice[i].leafWeight)
            throw ConfigError(base + "/weightDevice/" + std::to_string(i) + "/leafWeight",
                                   "cgroup v2 has no leaf weight");
    // BFQ's io.bfq.weight takes blkio's [10, 1000] range as it is; io.weight (cgroup-v2.rst "IO Interface
    // Files", default line and "$MAJ:$MIN $WEIGHT" overrides) needs the conversion.
    const char* weight_file = files.bfq_weight ? "io.bfq.weight" : "io.weight";
    auto weight = [&](uint16_t w) { return std::to_string(files.bfq_weight ? w : io_weight_of_blkio_weight(w)); };
    if (b.weight && *b.weight != 0) out.add(Group::blkio, weight_file, weight(*b.weight), base + "/weight");
    for (size_t i = 0; i < b.weightDevice.size(); ++i) {
        const auto& wd = b.weightDevice[i];
        if (wd.weight)
            out.add(Group::blkio, weight_file, major_minor(wd.major, wd.minor) + " " + weight(*wd.weight),
                    base + "/weightDevice/" + std::to_string(i) + "/weight");
    }
    // io.max takes one key per write here; the kernel refuses 0 (ERANGE in blk-throttle's tg_set_limit),
    // where v1 took 0 as "no limit", so 0 becomes "max".
    auto throttles = [&](const std::vector<config::ThrottleDevice>& list, const char* key, const char* field) {
        for (size_t i = 0; i < list.size(); ++i) {
            const auto& t = list[i];
            std::string rate = t.rate == 0 ? "max" : std::to_string(t.rate);
            out.add(Group::blkio, "io.max", major_minor(t.major, t.minor) + " " + key + "=" + rate,
                    base + "/" + field + "/" + std::to_string(i));
        }
    };
    throttles(b.throttleReadBpsDevice, "rbps", "throttleReadBpsDevice");
    throttles(b.throttleWriteBpsDevice, "wbps", "throttleWriteBpsDevice");
    throttles(b.throttleReadIOPSDevice, "riops", "throttleReadIOPSDevice");
    throttles(b.throttleWriteIOPSDevice, "wiops", "throttleWriteIOPSDevice");
}

void hugetlb_writes(const std::vector<config::HugepageLimit>& limits, const V2Files& files, V2Writes& out) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const auto& l = limits[i];
        std::string pointer = kResourcesPointer + "/hugepageLimits/" + std::to_string(i);
        if (l.pageSize.empty() || l.pageSize.find_first_of("/.") != std::string::npos)
            throw ConfigError(pointer + "/pageSize", ocirt::quoted(l.pageSize) + " is not a page size like \"2MB\"");
        std::string prefix = "hugetlb." + l.pageSize;
        out.add(Group::hugetlb, prefix + ".max", std::to_string(l.limit), pointer + "/limit");
        if (files.hugetlb_rsvd) out.add(Group::hugetlb, prefix + ".rsvd.max", std::to_string(l.limit), pointer + "/limit");
    }
}

void rdma_writes(const std::map<std::string, config::Rdma>& rdma, V2Writes& out) {
    for (const auto& [name, r] : rdma) {
        std::string pointer = kResourcesPointer + "/rdma/" + pointer_token(name);
        if (name.empty() || name.find_first_of(" \n") != std::string::npos)
            throw ConfigError(pointer, ocirt::quoted(name) + " is not an RDMA device name");
        // cgroup-v2.rst "RDMA": "mlx4_0 hca_handle=2 hca_object=2000"; a key left out keeps its limit.
        std::string line = name;
        if (r.hcaHandles) line += " hca_handle=" + std::to_string(*r.hcaHandles);
        if (r.hcaObjects) line += " hca_object=" + std::to_string(*r.hcaObjects);
        if (r.hcaHandles || r.hcaObjects) out.add(Group::rdma, "rdma.max", line, pointer);
    }
}

// Unified values go in as given; a value of several lines is written a line at a time, each line being
// one setting (runc's WriteFileByLine).
void unified_writes(const std::map<std::string, std::string>& unified, V2Writes& out) {
    for (const auto& [key, value] : unified) {
        std::string pointer = kResourcesPointer + "/unified/" + pointer_token(key);
        if (key.empty() || key.find('/') != std::string::npos || key == "." || key == "..")
            throw ConfigError(pointer, ocirt::quoted(key) + " is not a file name of the cgroup");
        if (key.find('.') == std::string::npos)
            throw ConfigError(pointer, ocirt::quoted(key) + " is not of the form <controller>.<file>");
        size_t pos = 0;
        bool wrote = false;
        while (pos <= value.size()) {
            size_t end = value.find('\n', pos);
            if (end == std::string::npos) end = value.size();
            std::string line = value.substr(pos, end - pos);
            if (!line.empty()) {
                out.add(Group::unified, key, line, pointer);
                wrote = true;
            }
            pos = end + 1;
        }
        if (!wrote) out.add(Group::unified, key, value, pointer);
    }
}

}  // namespace

uint64_t cpu_weight_of_shares(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares <= 2) return 1;
    if (shares >= 262144) return 10000;
    // A quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000): runc 1.3.2+, crun 1.23+
    // (the older linear 1 + (shares - 2) * 9999 / 262142 mapped the default 1024 shares to 39).
    double l = std::log2(static_cast<double>(shares));
    double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return static_cast<uint64_t>(std::ceil(std::pow(10, exponent)));
}

uint64_t io_weight_of_blkio_weight(uint64_t weight) {
    if (weight == 0) return 0;
    return 1 + (weight - 10) * 9999 / 990;
}

std::vector<FileWrite> v2_writes(const config::Resources& r, const V2Files& files) {
    V2Writes out;
    if (r.memory) memory_writes(*r.memory, files, out);
    if (r.cpu) {
        cpu_writes(*r.cpu, out);
        cpuset_writes(*r.cpu, out);
    }
    if (r.pids) pids_writes(*r.pids, out);
    if (r.blockIO) blkio_writes(*r.blockIO, files, out);
    hugetlb_writes(r.hugepageLimits, files, out);
    rdma_writes(r.rdma, out);
    if (r.network && r.network->classID)
        throw ConfigError(kResourcesPointer + "/network/classID", "cgroup v2 has no net_cls controller");
    if (r.network && !r.network->priorities.empty())
        throw ConfigError(kResourcesPointer + "/network/priorities", "cgroup v2 has no net_prio controller");
    unified_writes(r.unified, out);
    return out.take();
}

std::vector<FileWrite> v2_writes(const config::Resources& resources) { return v2_writes(resources, V2Files{}); }

}  // namespace ocirt::cgroups
