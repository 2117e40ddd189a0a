#pragma once
// What linux.resources writes into a container's cgroup: one FileWrite per cgroup file, in the order the
// kernel needs them, computed without touching the host so that tests can check every value.
// The v1 and v2 mappings live in v1/resources.cpp and v2/resources.cpp; Manager::apply routes each group
// to the hierarchy that has its controller (on a hybrid host some are v1, some on the cgroup2 mount).
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace ocirt::cgroups {

// A resource group of linux.resources, named after the v1 controller that takes it.
enum class Group { memory, cpu, cpuset, pids, blkio, hugetlb, net_cls, net_prio, rdma, devices, unified };

struct FileWrite {
    Group group;
    std::string file;     // relative to the container's cgroup directory, e.g. "memory.limit_in_bytes"
    std::string value;    // written with one write(2)
    std::string pointer;  // the config field it comes from, e.g. "/linux/resources/memory/limit"
    // How a write is carried out where the kernel's files differ between kernels or depend on each other;
    // chosen at apply time from the files that exist (see v1/apply.hpp), so emulated trees can test it.
    std::string fallback{};      // written instead when `file` does not exist (blkio.weight → blkio.bfq.weight)
    bool skip_if_missing = false;  // an optional companion write, left out when the kernel lacks the file
    std::string retry_after{};   // on EINVAL, written again right after this later file of the same group
    bool read_back = false;      // the kernel may clamp the value silently: read it back and compare
};

// The v1 controller of a group ("cpu", "blkio", ...); "" for unified.
std::string_view v1_controller(Group group);
// The cgroup2 controller of a group ("io" for blkio); "" where cgroup2 has none (net_cls, net_prio, devices
// are not controllers there; unified names its controller in each key).
std::string_view v2_controller(Group group);
// The JSON pointer of a group inside linux.resources, for errors about the whole group.
std::string_view group_pointer(Group group);

// Every group linux.resources asks for, in the order Manager::apply handles them.
std::vector<Group> requested_groups(const config::Resources& resources);

// The cgroup v1 files (cgroups(7), Documentation/admin-guide/cgroup-v1/) for `resources`, devices included.
std::vector<FileWrite> v1_writes(const config::Resources& resources);
// The cgroup v2 files (Documentation/admin-guide/cgroup-v2.rst) for `resources`, with the v1 → v2 value
// conversions runc and crun use; devices are not files on v2 (see device_filter.hpp), unified keys are.
std::vector<FileWrite> v2_writes(const config::Resources& resources);

}  // namespace ocirt::cgroups
