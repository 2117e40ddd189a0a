#pragma once
// linux.memoryPolicy (config-linux.md "Memory policy", runtime-spec 1.3) → the set_mempolicy(2) call the
// container's init and each exec'd process make once they are in the container's cgroup.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace ocirt::plan {

struct MemoryPolicy {
    int mode = 0;                 // MPOL_* (linux/mempolicy.hpp)
    unsigned flags = 0;           // MPOL_F_* or'ed
    std::vector<int> nodes;       // from `nodes`; empty: a NULL nodemask
    std::string description;      // "MPOL_BIND nodes \"0\" flags MPOL_F_STATIC_NODES", for errors
    std::string error_pointer;    // what a kernel refusal names: /linux/memoryPolicy or its /nodes
    // set_mempolicy(2) keeps only the nodes that are online and in the cpuset's mems, refusing the call only
    // when none is left: for the modes that use every listed node (MPOL_BIND, the interleave modes,
    // MPOL_PREFERRED_MANY) without MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES, the init reads the policy
    // back (get_mempolicy(2)) and fails when a listed node was dropped, rather than ignore it.
    bool check_nodes_kept = false;
};

// Throws ConfigError naming /linux/memoryPolicy/mode, /nodes or /flags/N for what the spec or set_mempolicy(2)
// rules out whatever the host: MPOL_DEFAULT and MPOL_LOCAL take no nodes, MPOL_BIND, MPOL_INTERLEAVE,
// MPOL_WEIGHTED_INTERLEAVE and MPOL_PREFERRED_MANY at least one, MPOL_PREFERRED at most one; MPOL_F_STATIC_NODES and
// MPOL_F_RELATIVE_NODES exclude each other and need a mode that takes nodes. What depends on the kernel
// (which nodes exist, which modes and flags it knows) is left to set_mempolicy(2) at create.
std::optional<MemoryPolicy> plan_memory_policy(const config::Config& config);

// The names features.md lists (linux.memoryPolicy.modes and .flags): every mode and flag this build plans.
std::vector<std::string> memory_policy_mode_names();
std::vector<std::string> memory_policy_flag_names();

}  // namespace ocirt::plan
