#include "runtime/rootless.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "cgroups/drivers.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

bool asks_for_limits(const config::Resources& r) {
    bool allows_a_device = std::any_of(r.devices.begin(), r.devices.end(), [](const auto& d) { return d.allow; });
    return allows_a_device || r.memory || r.cpu || r.pids || r.blockIO || !r.hugepageLimits.empty() || r.network ||
           !r.rdma.empty() || !r.unified.empty();
}

bool permission_denied(int err) { return err == EACCES || err == EPERM || err == EROFS; }

}  // namespace

bool rootless_mode(const std::string& flag, uid_t euid, const std::vector<linux_::IdRange>& uid_map) {
    if (flag == "true") return true;
    if (flag == "false") return false;
    if (flag != "auto" && !flag.empty())
        throw Error("--rootless: must be \"auto\", \"true\" or \"false\", got " + quoted(flag));
    if (euid != 0) return true;
    if (uid_map.empty() || linux_::is_initial_id_map(uid_map)) return false;
    // user_namespaces(7): uid 0 of a user namespace holds capabilities over what that namespace owns only;
    // the host's cgroups, /run and systemd's system instance see the uid it maps to.
    auto outside = linux_::parent_id_of(0, uid_map);
    return !outside || *outside != 0;
}

bool rootless_mode(const std::string& flag) { return rootless_mode(flag, ::geteuid(), linux_::own_uid_map()); }

std::string default_state_root(uid_t euid, const char* xdg_runtime_dir, bool in_user_namespace, const char* user) {
    if (!xdg_runtime_dir || !*xdg_runtime_dir) return "/run/ocirt";
    // Real root keeps /run/ocirt whatever XDG_RUNTIME_DIR says (/run/user/0 after `su -` or `machinectl shell`).
    bool honored = euid != 0 || (in_user_namespace && !(user && std::string(user) == "root"));
    return honored ? std::string(xdg_runtime_dir) + "/ocirt" : "/run/ocirt";
}

std::vector<config::DeviceCgroupRule> enforceable_device_rules(std::vector<config::DeviceCgroupRule> rules,
                                                               size_t config_rules, bool rootless) {
    if (!rootless || (::geteuid() == 0 && !in_user_namespace())) return rules;
    std::string why = "an unprivileged user cannot set a cgroup's device rules (CAP_SYS_ADMIN in the initial user "
                      "namespace); the container's device access is what its user may open";
    if (config_rules > 0)
        log::warn("/linux/resources/devices: not applied: " + why);
    else
        log::debug("rootless: ocirt's default device rules are not applied: " + why);
    return {};
}

bool in_user_namespace() {
    auto map = linux_::own_uid_map();
    return !map.empty() && !linux_::is_initial_id_map(map);
}

std::unique_ptr<cgroups::Manager> create_cgroup_unless_rootless_denied(std::unique_ptr<cgroups::Manager> cgroup,
                                                                       const config::Config& config, bool rootless) {
    try {
        with_context("cgroup", [&] { cgroup->create(); });
        return cgroup;
    } catch (const Error& e) {
        bool has_path = config.linux_ && config.linux_->cgroupsPath && !config.linux_->cgroupsPath->empty();
        if (!rootless || has_path || !permission_denied(e.errno_value())) throw;
        try {
            cgroup->destroy();
        } catch (const Error&) {
        }
        if (config.linux_ && config.linux_->resources && asks_for_limits(*config.linux_->resources))
            throw Error("/linux/resources: cannot be applied: an unprivileged user could not create the container's cgroup (" +
                            e.full() + ")",
                        0, "/linux/resources");
        log::debug("rootless: the container runs without a cgroup of its own: " + e.full());
        return cgroups::no_cgroup();
    }
}

}  // namespace ocirt::runtime
