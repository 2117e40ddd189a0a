#include <sys/mount.h>

#include <algorithm>
#include <sched.h>

#include "plan/init_plan.hpp"
#include "plan/kernel_settings.hpp"
#include "plan/mount_options.hpp"
#include "plan/mount_plan.hpp"
#include "plan/names.hpp"
#include "plan/process_plan.hpp"
#include "plan/user_namespace.hpp"
#include "plan/terminal_plan.hpp"
#include "util/error.hpp"

namespace ocirt::plan {
namespace {

std::string absolute_in(const std::string& base, const std::string& path) {
    if (!path.empty() && path[0] == '/') return path;
    return base + "/" + path;
}

void plan_namespaces(const spec::Linux& linux_config, InitPlan& plan) {
    std::vector<NamespaceJoin> user_joins;
    for (size_t i = 0; i < linux_config.namespaces.size(); ++i) {
        const auto& ns = linux_config.namespaces[i];
        std::string pointer = "/linux/namespaces/" + std::to_string(i);
        auto flag = namespace_clone_flag(ns.type);
        if (!flag) throw Error("unknown namespace type " + quoted(ns.type), 0, pointer + "/type");
        if (ns.type == "pid") plan.second_fork = true;
        if (ns.type == "mount") plan.has_mount_namespace = true;
        if (ns.path && !ns.path->empty()) {
            NamespaceJoin join{ns.type, *flag, *ns.path};
            (ns.type == "user" ? user_joins : plan.joins).push_back(join);
            continue;
        }
        if (ns.type == "user") {
            plan.new_user_namespace = true;
            continue;
        }
        if (ns.type == "cgroup") {
            plan.new_cgroup_namespace = true;
            continue;
        }
        if (ns.type == "time") plan.second_fork = true;  // time_namespaces(7): only children enter it
        plan.unshare_flags |= *flag;
    }
    plan.joins.insert(plan.joins.begin(), user_joins.begin(), user_joins.end());
    bool cgroup_namespace = std::any_of(linux_config.namespaces.begin(), linux_config.namespaces.end(),
                                        [](const spec::Namespace& ns) { return ns.type == "cgroup"; });
    // Without a cgroup namespace a new cgroup mount shows the hierarchy's root, every other container's
    // cgroup included, and tools that size themselves from /sys/fs/cgroup read the host's limits; runc binds
    // the container's own cgroup directory there instead, and so does ocirt (cgroup_namespaces(7)).
    plan.bind_host_cgroups = !cgroup_namespace;
    for (const auto& [clock, offset] : linux_config.timeOffsets) {
        if (!(plan.unshare_flags & CLONE_NEWTIME))
            throw Error("timeOffsets need a new time namespace", 0, "/linux/timeOffsets/" + clock);
        plan.time_offsets.push_back({clock, offset.secs, offset.nanosecs});
    }
}

}  // namespace

InitPlan make_init_plan(const spec::Config& config, const HostFacts& host, const Options& options) {
    InitPlan plan;
    if (!config.process) throw Error("a container needs a process", 0, "/process");
    static const spec::Linux no_linux_section;
    const spec::Linux& linux_config = config.linux_ ? *config.linux_ : no_linux_section;
    plan_namespaces(linux_config, plan);
    if (plan.new_user_namespace) plan.id_maps = plan_id_maps(linux_config, options.rootless_euid);
    check_additional_gids(*config.process, plan.id_maps, plan.new_user_namespace);

    plan.hostname = config.hostname;
    plan.domainname = config.domainname;
    plan.rootfs = !config.root.resolved_path.empty() ? config.root.resolved_path
                                                     : absolute_in(options.bundle, config.root.path);
    plan.readonly_root = config.root.readonly;
    plan.root_propagation = MS_SLAVE | MS_REC;
    if (linux_config.rootfsPropagation) {
        unsigned long flags = propagation_flags(*linux_config.rootfsPropagation);
        if (flags == 0)
            throw Error("unknown propagation " + quoted(*linux_config.rootfsPropagation), 0, "/linux/rootfsPropagation");
        plan.root_propagation = flags;
        plan.root_propagation_after_pivot = flags;
    }
    plan.mounts = plan_mounts(config, host, options);
    plan.setup_dev = std::none_of(plan.mounts.begin(), plan.mounts.end(), [](const MountStep& m) {
        return m.destination == "/dev" && m.kind == MountStep::Kind::bind;
    });
    if (plan.setup_dev) plan.devices = plan_devices(linux_config.devices);
    plan.cgroup_hierarchies = host.cgroup_hierarchies;
    plan.masked_paths = linux_config.maskedPaths;
    plan.readonly_paths = linux_config.readonlyPaths;
    plan.no_pivot = options.no_pivot;
    plan_kernel_settings(config, host, plan);
    plan.process = make_process_plan(*config.process, host.security);
    plan.preserve_fds = options.preserve_fds;
    plan.hooks = plan_hooks(config.hooks, options.bundle);
    if (linux_config.seccomp) plan.seccomp = plan_seccomp(*linux_config.seccomp, config, options.bundle);
    // time_namespaces(7): offsets are written before any process is in the namespace, so not at clone.
    plan.namespaces_at_clone = plan.joins.empty() && !plan.new_user_namespace && !(plan.unshare_flags & CLONE_NEWTIME);
    return plan;
}

ProcessPlan make_process_plan(const spec::Process& process, const SecurityFacts& host) {
    ProcessPlan p = plan_process(process, host);
    plan_terminal(process, p);
    return p;
}

}  // namespace ocirt::plan
