#pragma once
// The unit properties the systemd cgroup driver sends with StartTransientUnit, as runc sends them for a
// container: the unit's place and delegation, accounting, and the limits systemd itself understands
// (systemd.resource-control(5)); every other resource is written to the cgroup files afterwards.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cgroups/hierarchy.hpp"
#include "cgroups/systemd/path.hpp"
#include "config/config.hpp"

namespace ocirt::cgroups {

// D-Bus types "b", "t", "s", "as", "au", "ay".
using PropertyValue =
    std::variant<bool, uint64_t, std::string, std::vector<std::string>, std::vector<uint32_t>, std::vector<uint8_t>>;

struct UnitProperty {
    std::string name;
    PropertyValue value;
    bool operator==(const UnitProperty&) const = default;
};

// systemd's USEC_INFINITY / CGROUP_LIMIT_MAX: "infinity" for the uint64 limits.
inline constexpr uint64_t kSystemdInfinity = UINT64_MAX;

// A scope gets Slice=, PIDs=[pid] and Delegate=true; a slice unit gets Wants= its parent slice and no PIDs
// (systemd.slice(5): a slice holds no processes itself; ocirt moves the init there through cgroupfs).
// `mode` chooses the v1 names (MemoryLimit, CPUShares, BlockIOWeight) or the v2 ones (MemoryMax,
// CPUWeight, ...). Throws Error (with the JSON pointer) for a cpu list it cannot read.
std::vector<UnitProperty> transient_unit_properties(const SystemdCgroup& unit, const std::string& id, pid_t pid,
                                                    const config::Resources& resources, Hierarchy::Mode mode);

// `resources` with the CPU quota systemd will hold: CPUQuotaPerSecUSec is kept in whole percents, so a quota
// is rounded up to the next 10 ms per second. The driver writes this quota to the cgroup files too, as runc
// does, so that the unit and the kernel agree and systemd's next write of the unit's files changes nothing.
config::Resources with_systemd_cpu_quota(const config::Resources& resources);

// Only the limits of `resources` that systemd understands, for SetUnitProperties on update. On v2 this
// includes the linux.resources.unified files systemd has a property for (memory.high, memory.low, memory.min,
// memory.max, memory.swap.max, pids.max, cpu.weight, cpu.max, cpuset.cpus, cpuset.mems), as runc sends them.
std::vector<UnitProperty> resource_properties(const config::Resources& resources, Hierarchy::Mode mode);

// cpuset(7) list "0-3,8" as systemd's AllowedCPUs= bitmask: byte i holds CPUs 8i..8i+7, lowest bit first.
std::vector<uint8_t> cpu_list_bitmask(const std::string& list, const std::string& pointer);

}  // namespace ocirt::cgroups
