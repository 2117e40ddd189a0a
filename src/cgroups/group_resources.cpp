#include "cgroups/group_resources.hpp"

namespace ocirt::cgroups {

config::Resources group_resources(const config::Resources& r, Group group) {
    config::Resources out;
    switch (group) {
        case Group::devices: out.devices = r.devices; break;
        case Group::memory: out.memory = r.memory; break;
        case Group::cpu:
            if (r.cpu) {
                out.cpu = *r.cpu;
                out.cpu->cpus.reset();
                out.cpu->mems.reset();
            }
            break;
        case Group::cpuset:
            if (r.cpu) {
                out.cpu.emplace();
                out.cpu->cpus = r.cpu->cpus;
                out.cpu->mems = r.cpu->mems;
            }
            break;
        case Group::pids: out.pids = r.pids; break;
        case Group::blkio: out.blockIO = r.blockIO; break;
        case Group::hugetlb: out.hugepageLimits = r.hugepageLimits; break;
        case Group::net_cls:
            if (r.network) out.network.emplace().classID = r.network->classID;
            break;
        case Group::net_prio:
            if (r.network) out.network.emplace().priorities = r.network->priorities;
            break;
        case Group::rdma: out.rdma = r.rdma; break;
        case Group::unified: out.unified = r.unified; break;
    }
    return out;
}

}  // namespace ocirt::cgroups
