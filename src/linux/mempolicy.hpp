#pragma once
// The calling thread's NUMA memory policy (set_mempolicy(2)), which fork(2) children inherit and execve(2)
// keeps. glibc has no wrapper (libnuma has one; the raw system call needs no library).
#include <string>
#include <vector>

namespace ocirt::linux_ {

// <linux/mempolicy.h>'s modes and mode flags. MPOL_WEIGHTED_INTERLEAVE came with Linux 6.9, after the
// linux-libc-dev of Debian 12 (6.1): its value is the uapi enum's, written out here.
inline constexpr int kMpolDefault = 0;
inline constexpr int kMpolPreferred = 1;
inline constexpr int kMpolBind = 2;
inline constexpr int kMpolInterleave = 3;
inline constexpr int kMpolLocal = 4;
inline constexpr int kMpolPreferredMany = 5;
inline constexpr int kMpolWeightedInterleave = 6;
inline constexpr unsigned kMpolFStaticNodes = 1u << 15;
inline constexpr unsigned kMpolFRelativeNodes = 1u << 14;
inline constexpr unsigned kMpolFNumaBalancing = 1u << 13;

// set_mempolicy(mode | flags, nodemask of `nodes`, maxnode); no nodes passes a NULL nodemask. Throws the
// system call's error (EINVAL, or ENOSYS on a kernel built without CONFIG_NUMA) with `what` as context.
void set_memory_policy(int mode, unsigned flags, const std::vector<int>& nodes, const std::string& what);

// The nodes of the calling thread's policy as the kernel keeps them (get_mempolicy(2) with flags 0): for
// MPOL_BIND and the interleave modes, the requested nodes that are online and in the cpuset's mems.
std::vector<int> memory_policy_nodes();

}  // namespace ocirt::linux_
