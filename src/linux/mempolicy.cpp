#include "linux/mempolicy.hpp"

#include <linux/mempolicy.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

#include "util/error.hpp"

namespace ocirt::linux_ {

static_assert(kMpolDefault == MPOL_DEFAULT && kMpolPreferred == MPOL_PREFERRED && kMpolBind == MPOL_BIND &&
              kMpolInterleave == MPOL_INTERLEAVE && kMpolLocal == MPOL_LOCAL && kMpolPreferredMany == MPOL_PREFERRED_MANY);
static_assert(kMpolFStaticNodes == MPOL_F_STATIC_NODES && kMpolFRelativeNodes == MPOL_F_RELATIVE_NODES &&
              kMpolFNumaBalancing == MPOL_F_NUMA_BALANCING);

void set_memory_policy(int mode, unsigned flags, const std::vector<int>& nodes, const std::string& what) {
    constexpr unsigned long kBits = sizeof(unsigned long) * CHAR_BIT;
    std::vector<unsigned long> mask;
    for (int node : nodes) {
        auto n = static_cast<unsigned long>(node);
        if (mask.size() <= n / kBits) mask.resize(n / kBits + 1, 0);
        mask[n / kBits] |= 1ul << (n % kBits);
    }
    // set_mempolicy(2): the kernel reads maxnode - 1 bits of the mask (mm/mempolicy.c get_nodes decrements
    // maxnode first), so the size in bits is passed plus one.
    unsigned long maxnode = mask.empty() ? 0 : mask.size() * kBits + 1;
    long rc = ::syscall(SYS_set_mempolicy, mode | static_cast<int>(flags), mask.empty() ? nullptr : mask.data(), maxnode);
    if (rc < 0) throw SysError(what);
}

std::vector<int> memory_policy_nodes() {
    constexpr unsigned long kBits = sizeof(unsigned long) * CHAR_BIT;
    // get_mempolicy(2) wants maxnode at least the kernel's node count; a page of bits is the most it copies.
    std::vector<unsigned long> mask(4096 / sizeof(unsigned long), 0);
    int mode = 0;
    if (::syscall(SYS_get_mempolicy, &mode, mask.data(), mask.size() * kBits, nullptr, 0ul) < 0)
        throw SysError("get_mempolicy");
    std::vector<int> nodes;
    for (unsigned long bit = 0; bit < mask.size() * kBits; ++bit)
        if (mask[bit / kBits] & (1ul << (bit % kBits))) nodes.push_back(static_cast<int>(bit));
    return nodes;
}

}  // namespace ocirt::linux_
