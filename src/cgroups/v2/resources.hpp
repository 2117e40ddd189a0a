#pragma once
// The cgroup v2 mapping of linux.resources where it depends on which optional files the kernel offers in
// the container's cgroup; v2_writes(resources) in resource_writes.hpp is this with V2Files{}.
#include <vector>

#include "cgroups/resource_writes.hpp"

namespace ocirt::cgroups {

// Files whose presence changes what is written (cgroup-v2.rst "IO", "HugeTLB", "Memory").
struct V2Files {
    bool bfq_weight = false;    // io.bfq.weight: the BFQ scheduler takes blkio weights unconverted
    bool hugetlb_rsvd = true;   // hugetlb.<size>.rsvd.max (Linux 5.7+): reservations are limited too
    bool memory_swap = true;    // memory.swap.max: missing without swap accounting
};

std::vector<FileWrite> v2_writes(const config::Resources& resources, const V2Files& files);

// The v1 → v2 conversions runc and crun use (opencontainers/cgroups utils.go, crun cgroup-internal.h).
uint64_t cpu_weight_of_shares(uint64_t shares);       // [2, 262144] → [1, 10000], 1024 → 100; 0 = unset
uint64_t io_weight_of_blkio_weight(uint64_t weight);  // [10, 1000] → [1, 10000]; 0 = unset

}  // namespace ocirt::cgroups
