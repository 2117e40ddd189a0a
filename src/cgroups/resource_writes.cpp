#include "cgroups/resource_writes.hpp"

namespace ocirt::cgroups {

std::string_view v1_controller(Group group) {
    switch (group) {
        case Group::memory: return "memory";
        case Group::cpu: return "cpu";
        case Group::cpuset: return "cpuset";
        case Group::pids: return "pids";
        case Group::blkio: return "blkio";
        case Group::hugetlb: return "hugetlb";
        case Group::net_cls: return "net_cls";
        case Group::net_prio: return "net_prio";
        case Group::rdma: return "rdma";
        case Group::devices: return "devices";
        case Group::unified: return "";
    }
    return "";
}

std::string_view v2_controller(Group group) {
    switch (group) {
        case Group::memory: return "memory";
        case Group::cpu: return "cpu";
        case Group::cpuset: return "cpuset";
        case Group::pids: return "pids";
        case Group::blkio: return "io";
        case Group::hugetlb: return "hugetlb";
        case Group::rdma: return "rdma";
        case Group::net_cls:
        case Group::net_prio:
        case Group::devices:
        case Group::unified: return "";
    }
    return "";
}

std::string_view group_pointer(Group group) {
    switch (group) {
        case Group::memory: return "/linux/resources/memory";
        case Group::cpu: return "/linux/resources/cpu";
        case Group::cpuset: return "/linux/resources/cpu";
        case Group::pids: return "/linux/resources/pids";
        case Group::blkio: return "/linux/resources/blockIO";
        case Group::hugetlb: return "/linux/resources/hugepageLimits";
        case Group::net_cls: return "/linux/resources/network/classID";
        case Group::net_prio: return "/linux/resources/network/priorities";
        case Group::rdma: return "/linux/resources/rdma";
        case Group::devices: return "/linux/resources/devices";
        case Group::unified: return "/linux/resources/unified";
    }
    return "/linux/resources";
}

std::vector<Group> requested_groups(const config::Resources& r) {
    std::vector<Group> groups;
    if (!r.devices.empty()) groups.push_back(Group::devices);
    if (r.memory) groups.push_back(Group::memory);
    if (r.cpu) {
        const auto& c = *r.cpu;
        if (c.shares || c.quota || c.burst || c.period || c.realtimeRuntime || c.realtimePeriod || c.idle)
            groups.push_back(Group::cpu);
        if (c.cpus || c.mems) groups.push_back(Group::cpuset);
    }
    if (r.pids) groups.push_back(Group::pids);
    if (r.blockIO) groups.push_back(Group::blkio);
    if (!r.hugepageLimits.empty()) groups.push_back(Group::hugetlb);
    if (r.network && r.network->classID) groups.push_back(Group::net_cls);
    if (r.network && !r.network->priorities.empty()) groups.push_back(Group::net_prio);
    if (!r.rdma.empty()) groups.push_back(Group::rdma);
    if (!r.unified.empty()) groups.push_back(Group::unified);
    return groups;
}

}  // namespace ocirt::cgroups
