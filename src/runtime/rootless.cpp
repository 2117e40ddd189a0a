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

bool rootless_mode(const std::string& flag) {
    if (flag == "true") return true;
    if (flag == "false") return false;
    if (flag == "auto" || flag.empty()) return ::geteuid() != 0;
    throw Error("--rootless: must be \"auto\", \"true\" or \"false\", got " + quoted(flag));
}

std::string default_state_root(uid_t euid, const char* xdg_runtime_dir) {
    if (euid != 0 && xdg_runtime_dir && *xdg_runtime_dir) return std::string(xdg_runtime_dir) + "/ocirt";
    return "/run/ocirt";
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
