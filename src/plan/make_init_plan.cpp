#include <sys/mount.h>

#include <algorithm>
#include <sched.h>

#include "plan/init_plan.hpp"
#include "plan/kernel_settings.hpp"
#include "plan/mount_options.hpp"
#include "plan/mount_plan.hpp"
#include "plan/names.hpp"
#include "plan/net_devices.hpp"
#include "plan/process_plan.hpp"
#include "plan/user_namespace.hpp"
#include "plan/terminal_plan.hpp"
#include "config/rules.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::plan {
namespace {

void plan_namespaces(const config::Linux& linux_config, InitPlan& plan) {
    std::vector<NamespaceJoin> user_joins;
    for (size_t i = 0; i < linux_config.namespaces.size(); ++i) {
        const auto& ns = linux_config.namespaces[i];
        std::string pointer = "/linux/namespaces/" + std::to_string(i);
        auto flag = namespace_clone_flag(ns.type);
        if (!flag) throw ConfigError(pointer + "/type", "unknown namespace type " + quoted(ns.type));
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
                                        [](const config::Namespace& ns) { return ns.type == "cgroup"; });
    // Without a cgroup namespace a new cgroup mount shows the hierarchy's root, every other container's
    // cgroup included, and tools that size themselves from /sys/fs/cgroup read the host's limits; runc binds
    // the container's own cgroup directory there instead, and so does ocirt (cgroup_namespaces(7)).
    plan.bind_host_cgroups = !cgroup_namespace;
    for (const auto& [clock, offset] : linux_config.timeOffsets)
        plan.time_offsets.push_back({clock, offset.secs, offset.nanosecs});
}

std::optional<uint32_t> host_id(uint32_t id, const std::vector<linux_::IdRange>& ranges) {
    for (const auto& r : ranges)
        if (id >= r.container_id && id - r.container_id < r.size) return r.host_id + (id - r.container_id);
    return std::nullopt;
}

// config-linux.md "Devices": uid and gid are the node's owner in the container. Inside a new user namespace
// they are given to the host's view of them, so they must be mapped.
void map_device_owners(InitPlan& plan) {
    for (size_t i = 0; i < plan.devices.size(); ++i) {
        auto& d = plan.devices[i];
        std::string pointer = "/linux/devices/" + std::to_string(i);
        auto uid = host_id(d.uid, plan.id_maps.uid);
        if (!uid) throw ConfigError(pointer + "/uid", "uid " + std::to_string(d.uid) + " is not mapped by /linux/uidMappings");
        auto gid = host_id(d.gid, plan.id_maps.gid);
        if (!gid) throw ConfigError(pointer + "/gid", "gid " + std::to_string(d.gid) + " is not mapped by /linux/gidMappings");
        d.host_uid = *uid;
        d.host_gid = *gid;
    }
}

bool has_user_namespace_join(const InitPlan& plan) {
    return std::any_of(plan.joins.begin(), plan.joins.end(), [](const NamespaceJoin& j) { return j.clone_flag == CLONE_NEWUSER; });
}

// A joined user namespace's maps are not in the config: its devices are the host's nodes bound in, whose
// owner is the host's. Said, not dropped silently.
void warn_unowned_devices(const InitPlan& plan) {
    for (size_t i = 0; i < plan.devices.size(); ++i)
        if (plan.devices[i].uid != 0 || plan.devices[i].gid != 0)
            log::warn("/linux/devices/" + std::to_string(i) +
                      ": in a joined user namespace the device is the host's node bound in: its uid and gid stay the host's");
}

}  // namespace

SessionKeyring container_session_keyring(const std::string& id, bool made_by_init, bool user_namespace) {
    if (!made_by_init) return {"_ses." + id, 0};
    // keyrings(7) permissions: 0x00080000 is KEY_USR_SEARCH, 0x00000008 KEY_OTH_SEARCH.
    return {"_ses." + id, user_namespace ? 0x00000008u : 0x00080000u};
}

InitPlan make_init_plan(const config::Config& config, const HostFacts& host, const Options& options) {
    InitPlan plan;
    if (!config.process) throw ConfigError("/process", "a container needs a process");
    static const config::Linux no_linux_section;
    const config::Linux& linux_config = config.linux_ ? *config.linux_ : no_linux_section;
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
            throw ConfigError("/linux/rootfsPropagation", "unknown propagation " + quoted(*linux_config.rootfsPropagation));
        plan.root_propagation = flags;
        plan.root_propagation_after_pivot = flags;
    }
    plan.mounts = plan_mounts(config, host, options);
    plan.setup_dev = std::none_of(plan.mounts.begin(), plan.mounts.end(), [](const MountStep& m) {
        return m.destination == "/dev" && m.kind == MountStep::Kind::bind;
    });
    if (plan.setup_dev) plan.devices = plan_devices(linux_config.devices);
    if (plan.new_user_namespace) map_device_owners(plan);
    if (has_user_namespace_join(plan)) warn_unowned_devices(plan);
    plan.cgroup_hierarchies = host.cgroup_hierarchies;
    plan.masked_paths = linux_config.maskedPaths;
    plan.readonly_paths = linux_config.readonlyPaths;
    plan.no_pivot = options.no_pivot;
    plan.net_devices = plan_net_devices(linux_config, options);
    plan_kernel_settings(config, host, plan);
    plan.process = make_process_plan(config, host.security);
    plan.preserve_fds = options.preserve_fds;
    if (!options.session_keyring_of.empty())
        plan.session_keyring = container_session_keyring(options.session_keyring_of, true,
                                                         plan.new_user_namespace || has_user_namespace_join(plan));
    plan.hooks = plan_hooks(config.hooks, options.bundle);
    if (linux_config.seccomp) plan.seccomp = plan_seccomp(*linux_config.seccomp, config, options.bundle);
    // time_namespaces(7): offsets are written before any process is in the namespace, so not at clone.
    plan.namespaces_at_clone = plan.joins.empty() && !plan.new_user_namespace && !(plan.unshare_flags & CLONE_NEWTIME);
    return plan;
}

ProcessPlan make_process_plan(const config::Config& config, const SecurityFacts& host) {
    if (!config.process) throw ConfigError("/process", "a container needs a process");
    const config::Process& process = *config.process;
    ProcessPlan p = plan_process(process, host, "/process", config::unknown_capability_is_error(config.ociVersion));
    plan_terminal(process, p);
    // crun's rule: any value but "0" keeps the caller's groups.
    if (auto a = config.annotations.find("run.oci.keep_original_groups"); a != config.annotations.end() && a->second != "0") {
        p.keep_original_groups = true;
        if (!p.additional_gids.empty())
            log::warn("/process/user/additionalGids: not set: annotation run.oci.keep_original_groups keeps the caller's "
                      "supplementary groups instead");
    }
    return p;
}

}  // namespace ocirt::plan
