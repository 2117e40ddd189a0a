#include "init/kernel_settings.hpp"

#include <cerrno>

#include "linux/mempolicy.hpp"
#include "linux/scheduling.hpp"
#include "linux/sysctl.hpp"
#include "util/error.hpp"

namespace ocirt::init {

void apply_sysctls(const InitContext& ctx) {
    // Written through the host's /proc before pivot_root: proc(5) resolves /proc/sys/net, the IPC limits and
    // the UTS names in the namespaces of the writing process, which are already the container's.
    for (const auto& s : ctx.plan.sysctls) linux_::write_sysctl(s.key, s.path, s.value);
    if (!ctx.plan.sysctls.empty()) ctx.step("sysctl set");
}

void apply_personality(const InitContext& ctx) {
    if (!ctx.plan.personality) return;
    linux_::set_personality(*ctx.plan.personality);
    ctx.step("personality set");
}

void apply_memory_policy(const InitContext& ctx) {
    const auto& policy = ctx.plan.memory_policy;
    if (!policy) return;
    try {
        linux_::set_memory_policy(policy->mode, policy->flags, policy->nodes, "set_mempolicy " + policy->description);
    } catch (const Error& e) {
        std::string hint;
        if (e.errno_value() == ENOSYS) hint = " (this kernel has no NUMA support: CONFIG_NUMA)";
        if (e.errno_value() == EINVAL) {
            // set_mempolicy(2) ERRORS, EINVAL: what in this policy the kernel may have refused.
            if (!policy->nodes.empty()) hint = "no listed node online and in the container's cpuset.mems";
            if (policy->mode == linux_::kMpolWeightedInterleave)
                hint += std::string(hint.empty() ? "" : ", or ") + "a kernel before Linux 6.9 (no MPOL_WEIGHTED_INTERLEAVE)";
            if (policy->flags & linux_::kMpolFNumaBalancing)
                hint += std::string(hint.empty() ? "" : ", or ") +
                        "a kernel that does not take MPOL_F_NUMA_BALANCING with this mode (Linux 5.12 takes it with MPOL_BIND)";
            if (!hint.empty()) hint = " (" + hint + ")";
        }
        throw Error(e.frames(), e.message() + hint, e.errno_value(), policy->error_pointer);
    }
    if (policy->check_nodes_kept) {
        std::vector<int> kept = linux_::memory_policy_nodes();
        if (kept != policy->nodes) {
            std::string listed;
            for (int node : kept) listed += (listed.empty() ? "" : ",") + std::to_string(node);
            throw ConfigError("/linux/memoryPolicy/nodes",
                              "set_mempolicy " + policy->description + " kept only node(s) " + listed +
                                  ": the others are not online or not in the container's cpuset.mems");
        }
    }
    ctx.step("memory policy set");
}

}  // namespace ocirt::init
