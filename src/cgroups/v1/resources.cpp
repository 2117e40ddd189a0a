// linux.resources → cgroup v1 files (Documentation/admin-guide/cgroup-v1/), in the order the kernel needs.
#include "cgroups/resource_writes.hpp"
#include "cgroups/v1/devices.hpp"
#include "config/json_pointer.hpp"
#include "util/log.hpp"

namespace ocirt::cgroups {
namespace {

constexpr const char* kResources = "/linux/resources";

struct Writes {
    std::vector<FileWrite> list;
    FileWrite& add(Group group, std::string file, std::string value, std::string pointer) {
        list.push_back({group, std::move(file), std::move(value), kResources + std::move(pointer)});
        return list.back();
    }
};

std::string flag(bool on) { return on ? "1" : "0"; }
std::string device(int64_t major, int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

void memory(const config::Memory& m, Writes& w) {
    const std::string swap_file = "memory.memsw.limit_in_bytes";
    // memory.limit_in_bytes may never exceed memory.memsw.limit_in_bytes (memory.rst 2.5 "memory+swap"):
    // raising both needs memsw first, lowering both needs the limit first; the limit is retried after memsw.
    if (m.limit) {
        auto& limit = w.add(Group::memory, "memory.limit_in_bytes", std::to_string(*m.limit), "/memory/limit");
        if (m.swap || *m.limit == -1) limit.retry_after = swap_file;
    }
    if (m.swap) {
        w.add(Group::memory, swap_file, std::to_string(*m.swap), "/memory/swap");
    } else if (m.limit && *m.limit == -1) {
        // An unlimited memory limit lifts memory+swap too (as runc), where swap accounting exists.
        w.add(Group::memory, swap_file, "-1", "/memory/limit").skip_if_missing = true;
    }
    if (m.reservation)
        w.add(Group::memory, "memory.soft_limit_in_bytes", std::to_string(*m.reservation), "/memory/reservation");
    // memory.kernel is not written: config-linux.md marks it NOT RECOMMENDED and the runtime-spec Go
    // bindings say it "may be ignored by runtimes" (kmem limits are obsolete since Linux 5.4; this kernel
    // accepts memory.kmem.limit_in_bytes and keeps it unlimited); runc ignores it too. Docker 20.10 sends it
    // for --kernel-memory, so it is not refused; it is said, not dropped silently.
    if (m.kernel)
        log::warn(std::string(kResources) + "/memory/kernel: not applied: kernel memory limits are obsolete since Linux 5.4 "
                  "(kernel memory is charged to memory.limit)");
    if (m.kernelTCP)
        w.add(Group::memory, "memory.kmem.tcp.limit_in_bytes", std::to_string(*m.kernelTCP), "/memory/kernelTCP");
    if (m.swappiness) w.add(Group::memory, "memory.swappiness", std::to_string(*m.swappiness), "/memory/swappiness");
    if (m.disableOOMKiller)
        w.add(Group::memory, "memory.oom_control", flag(*m.disableOOMKiller), "/memory/disableOOMKiller");
    if (m.useHierarchy) w.add(Group::memory, "memory.use_hierarchy", flag(*m.useHierarchy), "/memory/useHierarchy");
    // checkBeforeUpdate writes nothing on v1: config-linux.md, "when cgroup v1 is used, the kernel rejects
    // the limit lower than the current usage".
}

void cpu(const config::Cpu& c, Writes& w) {
    // The kernel clamps cpu.shares into [2, 262144] without an error (kernel/sched/core.c), so it is read back.
    if (c.shares) w.add(Group::cpu, "cpu.shares", std::to_string(*c.shares), "/cpu/shares").read_back = true;
    // sched-bwc.rst: the kernel checks quota, period and burst together; a period or burst it refuses
    // against the old quota is retried once the new quota is in (as runc).
    if (c.period) {
        auto& period = w.add(Group::cpu, "cpu.cfs_period_us", std::to_string(*c.period), "/cpu/period");
        if (c.quota) period.retry_after = "cpu.cfs_quota_us";
    }
    if (c.burst) {
        auto& burst = w.add(Group::cpu, "cpu.cfs_burst_us", std::to_string(*c.burst), "/cpu/burst");
        if (c.quota) burst.retry_after = "cpu.cfs_quota_us";
    }
    if (c.quota) w.add(Group::cpu, "cpu.cfs_quota_us", std::to_string(*c.quota), "/cpu/quota");
    // sched-rt-group.rst: runtime may not exceed period, so a shorter period waits for the new runtime.
    if (c.realtimePeriod) {
        auto& period = w.add(Group::cpu, "cpu.rt_period_us", std::to_string(*c.realtimePeriod), "/cpu/realtimePeriod");
        if (c.realtimeRuntime) period.retry_after = "cpu.rt_runtime_us";
    }
    if (c.realtimeRuntime)
        w.add(Group::cpu, "cpu.rt_runtime_us", std::to_string(*c.realtimeRuntime), "/cpu/realtimeRuntime");
    if (c.idle) w.add(Group::cpu, "cpu.idle", std::to_string(*c.idle), "/cpu/idle");
}

void cpuset(const config::Cpu& c, Writes& w) {
    if (c.cpus) w.add(Group::cpuset, "cpuset.cpus", *c.cpus, "/cpu/cpus");
    if (c.mems) w.add(Group::cpuset, "cpuset.mems", *c.mems, "/cpu/mems");
}

void pids(const config::Pids& p, Writes& w) {
    // runtime-spec #1279 (after v1.2, followed by runc 1.4): a negative limit is "max", 0 is a real limit
    // of no new tasks; v1.2's text gives 0 no special meaning either.
    if (p.limit) w.add(Group::pids, "pids.max", *p.limit < 0 ? "max" : std::to_string(*p.limit), "/pids/limit");
}

void throttles(const std::vector<config::ThrottleDevice>& devices, const std::string& file, const std::string& field,
               Writes& w) {
    for (size_t i = 0; i < devices.size(); ++i)
        w.add(Group::blkio, file, device(devices[i].major, devices[i].minor) + " " + std::to_string(devices[i].rate),
              "/blockIO/" + field + "/" + std::to_string(i));
}

void blkio(const config::BlockIO& b, Writes& w) {
    // Kernels without CFQ (removed in Linux 5.0) offer the BFQ scheduler's blkio.bfq.* files instead
    // (Documentation/block/bfq-iosched.rst 4-2); leaf weights exist only with CFQ.
    if (b.weight)
        w.add(Group::blkio, "blkio.weight", std::to_string(*b.weight), "/blockIO/weight").fallback = "blkio.bfq.weight";
    if (b.leafWeight) w.add(Group::blkio, "blkio.leaf_weight", std::to_string(*b.leafWeight), "/blockIO/leafWeight");
    for (size_t i = 0; i < b.weightDevice.size(); ++i) {
        const auto& d = b.weightDevice[i];
        std::string pointer = "/blockIO/weightDevice/" + std::to_string(i);
        if (d.weight)
            w.add(Group::blkio, "blkio.weight_device", device(d.major, d.minor) + " " + std::to_string(*d.weight),
                  pointer + "/weight")
                .fallback = "blkio.bfq.weight_device";
        if (d.leafWeight)
            w.add(Group::blkio, "blkio.leaf_weight_device",
                  device(d.major, d.minor) + " " + std::to_string(*d.leafWeight), pointer + "/leafWeight");
    }
    throttles(b.throttleReadBpsDevice, "blkio.throttle.read_bps_device", "throttleReadBpsDevice", w);
    throttles(b.throttleWriteBpsDevice, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice", w);
    throttles(b.throttleReadIOPSDevice, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice", w);
    throttles(b.throttleWriteIOPSDevice, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice", w);
}

void hugetlb(const std::vector<config::HugepageLimit>& limits, Writes& w) {
    for (size_t i = 0; i < limits.size(); ++i) {
        std::string prefix = "hugetlb." + limits[i].pageSize;
        std::string value = std::to_string(limits[i].limit);
        std::string pointer = "/hugepageLimits/" + std::to_string(i);
        w.add(Group::hugetlb, prefix + ".limit_in_bytes", value, pointer);
        // config-linux.md: reservations are limited too where the kernel accounts them, "otherwise ...
        // fallback to the page fault accounting".
        w.add(Group::hugetlb, prefix + ".rsvd.limit_in_bytes", value, pointer).skip_if_missing = true;
    }
}

void network(const config::Network& n, Writes& w) {
    if (n.classID) w.add(Group::net_cls, "net_cls.classid", std::to_string(*n.classID), "/network/classID");
    for (size_t i = 0; i < n.priorities.size(); ++i)
        w.add(Group::net_prio, "net_prio.ifpriomap",
              n.priorities[i].name + " " + std::to_string(n.priorities[i].priority),
              "/network/priorities/" + std::to_string(i));
}

void rdma(const std::map<std::string, config::Rdma>& devices, Writes& w) {
    for (const auto& [name, limits] : devices) {
        std::string value = name;
        if (limits.hcaHandles) value += " hca_handle=" + std::to_string(*limits.hcaHandles);
        if (limits.hcaObjects) value += " hca_object=" + std::to_string(*limits.hcaObjects);
        w.add(Group::rdma, "rdma.max", value, "/rdma/" + config::pointer_escape(name));
    }
}

}  // namespace

std::vector<FileWrite> v1_writes(const config::Resources& r) {
    Writes w;
    if (!r.devices.empty()) w.list = v1_device_writes(r.devices);
    if (r.memory) memory(*r.memory, w);
    if (r.cpu) {
        cpu(*r.cpu, w);
        cpuset(*r.cpu, w);
    }
    if (r.pids) pids(*r.pids, w);
    if (r.blockIO) blkio(*r.blockIO, w);
    hugetlb(r.hugepageLimits, w);
    if (r.network) network(*r.network, w);
    rdma(r.rdma, w);
    return w.list;
}

}  // namespace ocirt::cgroups
