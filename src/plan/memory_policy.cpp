#include "plan/memory_policy.hpp"

#include "config/json_pointer.hpp"
#include "linux/mempolicy.hpp"
#include "util/id_list.hpp"
#include "util/error.hpp"

namespace ocirt::plan {
namespace {

enum class MempolicyNodes { none, any, at_least_one };

struct MempolicyModeName {
    std::string_view name;
    int mode;
    MempolicyNodes nodes;  // set_mempolicy(2) "DESCRIPTION", mode by mode
};

constexpr MempolicyModeName kMempolicyModes[] = {
    {"MPOL_DEFAULT", linux_::kMpolDefault, MempolicyNodes::none},
    {"MPOL_BIND", linux_::kMpolBind, MempolicyNodes::at_least_one},
    {"MPOL_INTERLEAVE", linux_::kMpolInterleave, MempolicyNodes::at_least_one},
    {"MPOL_WEIGHTED_INTERLEAVE", linux_::kMpolWeightedInterleave, MempolicyNodes::at_least_one},
    // An empty nodemask asks for local allocation (set_mempolicy(2) MPOL_PREFERRED).
    {"MPOL_PREFERRED", linux_::kMpolPreferred, MempolicyNodes::any},
    {"MPOL_PREFERRED_MANY", linux_::kMpolPreferredMany, MempolicyNodes::at_least_one},
    {"MPOL_LOCAL", linux_::kMpolLocal, MempolicyNodes::none},
};

struct MempolicyFlagName {
    std::string_view name;
    unsigned flag;
};

constexpr MempolicyFlagName kMempolicyFlags[] = {
    {"MPOL_F_NUMA_BALANCING", linux_::kMpolFNumaBalancing},
    {"MPOL_F_RELATIVE_NODES", linux_::kMpolFRelativeNodes},
    {"MPOL_F_STATIC_NODES", linux_::kMpolFStaticNodes},
};

constexpr const char* kMempolicyPointer = "/linux/memoryPolicy";
// set_mempolicy(2) reads at most a page of nodemask bits (EINVAL beyond).
constexpr int kMempolicyMaxNode = 4096 * 8 - 1;

}  // namespace

std::optional<MemoryPolicy> plan_memory_policy(const config::Config& config) {
    if (!config.linux_ || !config.linux_->memoryPolicy) return std::nullopt;
    const config::MemoryPolicy& in = *config.linux_->memoryPolicy;
    const std::string base = kMempolicyPointer;
    const MempolicyModeName* mode = nullptr;
    for (const auto& m : kMempolicyModes)
        if (m.name == in.mode) mode = &m;
    if (!mode) throw ConfigError(base + "/mode", "unknown memory policy mode " + quoted(in.mode) + " (see set_mempolicy(2))");

    MemoryPolicy out;
    out.mode = mode->mode;
    out.description = in.mode;
    if (in.nodes) {
        out.nodes = parse_id_list(*in.nodes, base + "/nodes", "memory node", kMempolicyMaxNode);
        out.description += " nodes " + quoted(*in.nodes);
    }
    if (mode->nodes == MempolicyNodes::none && !out.nodes.empty())
        throw ConfigError(base + "/nodes", in.mode + " takes no nodes (set_mempolicy(2)), got " + quoted(*in.nodes));
    if (mode->nodes == MempolicyNodes::at_least_one && out.nodes.empty())
        throw ConfigError(base + "/nodes", in.mode + " needs at least one node (set_mempolicy(2))" +
                                               (in.nodes ? ", got " + quoted(*in.nodes) : std::string()));
    // set_mempolicy(2) MPOL_PREFERRED: "If nodemask specifies more than one node ID, the first node in the
    // mask will be selected": the rest would be dropped without a word.
    if (mode->mode == linux_::kMpolPreferred && out.nodes.size() > 1)
        throw ConfigError(base + "/nodes", "MPOL_PREFERRED takes one node (the kernel would use only the first of " +
                                               quoted(*in.nodes) + "); MPOL_PREFERRED_MANY takes several");

    for (size_t i = 0; i < in.flags.size(); ++i) {
        std::string pointer = config::pointer_join(base + "/flags", i);
        const MempolicyFlagName* flag = nullptr;
        for (const auto& f : kMempolicyFlags)
            if (f.name == in.flags[i]) flag = &f;
        if (!flag) throw ConfigError(pointer, "unknown memory policy flag " + quoted(in.flags[i]) + " (see set_mempolicy(2))");
        if (out.flags & flag->flag) throw ConfigError(pointer, quoted(in.flags[i]) + " is listed twice");
        // The kernel would take a flag with MPOL_DEFAULT and drop it: refused rather than ignored.
        if (mode->mode == linux_::kMpolDefault)
            throw ConfigError(pointer, "MPOL_DEFAULT takes no flags (set_mempolicy(2)), got " + quoted(in.flags[i]));
        bool nodes_flag = flag->flag == linux_::kMpolFStaticNodes || flag->flag == linux_::kMpolFRelativeNodes;
        if (nodes_flag && out.nodes.empty())
            throw ConfigError(pointer, quoted(in.flags[i]) + " applies to a node list, and " + in.mode + " has none here");
        if (nodes_flag && (out.flags & (linux_::kMpolFStaticNodes | linux_::kMpolFRelativeNodes)))
            throw ConfigError(pointer, "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be combined (set_mempolicy(2))");
        out.flags |= flag->flag;
        out.description += (i == 0 ? " flags " : ",") + in.flags[i];
    }
    // What the kernel refuses with EINVAL is named by the field most likely at fault: a node that is not
    // online (or not in the cpuset's mems) when nodes are given; the whole policy when the mode or
    // MPOL_F_NUMA_BALANCING may be what this kernel lacks.
    bool kernel_dependent = mode->mode == linux_::kMpolWeightedInterleave || (out.flags & linux_::kMpolFNumaBalancing);
    out.error_pointer = out.nodes.empty() || kernel_dependent ? base : base + "/nodes";
    out.check_nodes_kept = mode->nodes == MempolicyNodes::at_least_one &&
                           !(out.flags & (linux_::kMpolFStaticNodes | linux_::kMpolFRelativeNodes));
    return out;
}

std::vector<std::string> memory_policy_mode_names() {
    std::vector<std::string> names;
    for (const auto& m : kMempolicyModes) names.emplace_back(m.name);
    return names;
}

std::vector<std::string> memory_policy_flag_names() {
    std::vector<std::string> names;
    for (const auto& f : kMempolicyFlags) names.emplace_back(f.name);
    return names;
}

}  // namespace ocirt::plan
