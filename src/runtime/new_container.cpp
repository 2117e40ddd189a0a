#include "runtime/new_container.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "cgroups/default_device_rules.hpp"
#include "cgroups/drivers.hpp"
#include "config/load.hpp"
#include "hooks/lifecycle_hooks.hpp"
#include "linux/mounts.hpp"
#include "runtime/console_socket.hpp"
#include "runtime/host_facts.hpp"
#include "runtime/listen_fds.hpp"
#include "runtime/rootless.hpp"
#include "runtime/tty_proxy.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

std::string absolute_bundle(const std::string& bundle) {
    std::error_code ec;
    auto path = std::filesystem::absolute(bundle.empty() ? "." : bundle, ec);
    if (ec) throw Error("bundle " + ocirt::quoted(bundle) + ": " + ec.message());
    return path.lexically_normal().string();
}

config::Config load_config_logged(const std::string& bundle, std::string& config_text) {
    config::Config config = config::load_bundle_or_throw(bundle, &config_text);
    sync::log_step("parent", "config loaded");
    return config;
}

}  // namespace

Placement choose_placement(const cgroups::Manager& planned, const CreateRequest& request, const plan::InitPlan& plan) {
    if (request.systemd_cgroup) return Placement::join_after_fork;
    if (planned.clone_target()) return Placement::clone_into_cgroup;
    // Only an init made by one clone needs nothing from the parent before its cgroup.
    if (plan.namespaces_at_clone && !request.rootless) return Placement::start_before_cgroup;
    return Placement::join_after_fork;
}

NewContainer::NewContainer(const CreateRequest& request)
    : request_(request),
      bundle_(absolute_bundle(request.bundle)),
      config_(load_config_logged(bundle_, config_text_)),
      hierarchy_(request.hierarchy ? request.hierarchy : &detected_hierarchy_.emplace(cgroups::Hierarchy::detect())),
      plan_(plan::make_init_plan(config_, host_facts(*hierarchy_),
                                 {bundle_, request.no_pivot, request.preserve_fds, ::geteuid() != 0,
                                  request.no_new_keyring ? std::string() : request.id})) {
    if (plan_.seccomp && plan_.seccomp->listener) plan_.seccomp->listener->id = request.id;
    pass_listen_fds(plan_);
    proxied_ = request.tty_proxy && plan_.process.terminal && request.console_socket.empty();
    if (proxied_)
        request.tty_proxy->use();
    else
        console_ = console_socket_for(plan_.process.terminal, request.detached, request.console_socket);
    if (!request.pid_file.empty()) pid_file_ = std::filesystem::absolute(request.pid_file).lexically_normal().string();

    // Filled before the state directory exists: the poststop hooks of a failed create read it.
    record_.oci_version = config_.ociVersion;
    record_.id = request.id;
    record_.bundle = bundle_;
    record_.rootfs = plan_.rootfs;
    record_.created = log::rfc3339_now();
    record_.owner = ::getuid();
    record_.annotations = config_.annotations;
    record_.no_new_keyring = request.no_new_keyring;
    record_.hooks = config_.hooks;

    container_.emplace(state::Store(request.root).create(request.id));
    // Pushed first, so it runs last: the hooks see the container gone.
    cleanup_.push("run the poststop hooks", [this] { hooks::run_poststop_hooks(record_); });
    cleanup_.push("remove the state directory", [this] { container_->remove(); });
    cgroup_ = cgroups::container_cgroup(config_.linux_ ? config_.linux_->cgroupsPath : std::nullopt, request.id,
                                        request.systemd_cgroup, *hierarchy_, request.rootless);
    // A create SIGKILLed before commit must still let delete --force find its cgroup, and with the systemd
    // driver its unit (stopping a unit systemd does not have is no error).
    container_->save_pending_cgroup(cgroup_->record().pending_text());
    if (!plan_.has_mount_namespace) {
        record_.rootfs_mount_id_before = linux_::mount_id_of(plan_.rootfs);
        cleanup_.push("detach the rootfs from the host's mount namespace",
                      [this] { linux_::detach_mounts_over(plan_.rootfs, record_.rootfs_mount_id_before); });
    }
    plan_.hooks.state = state::oci_state(record_, hooks::kStatusBeforeStart);
    placement_ = choose_placement(*cgroup_, request, plan_);
    // The init started before its cgroup exists binds the directories planned for it.
    if (placement_ == Placement::start_before_cgroup) plan_cgroup_binds(plan_, *cgroup_, *hierarchy_);
}

int NewContainer::console_socket() const { return proxied_ ? request_.tty_proxy->child_end() : console_.get(); }

void NewContainer::save_config() { container_->save_config(config_text_); }

cgroups::Manager& NewContainer::place() {
    cgroup_ = create_cgroup_unless_rootless_denied(std::move(cgroup_), config_, request_.rootless);
    cleanup_.push("remove the cgroup", [this] { cgroup_->destroy(); });
    if (placement_ != Placement::start_before_cgroup) plan_cgroup_binds(plan_, *cgroup_, *hierarchy_);
    // Limits are in place before the init joins the cgroup, so they hold from its first instruction.
    if (config_.linux_) {
        config::Resources resources = config_.linux_->resources.value_or(config::Resources{});
        size_t config_rules = resources.devices.size();
        resources.devices = enforceable_device_rules(
            cgroups::with_default_device_rules(resources.devices, config_.linux_->devices), config_rules,
            request_.rootless);
        with_context("cgroup", [&] { cgroup_->apply(resources); });
    }
    sync::log_step("parent", "cgroup created");
    return *cgroup_;
}

RuntimeHooks NewContainer::runtime_hooks() {
    return [this](pid_t pid) {
        record_.pid = pid;
        hooks::run_create_runtime_hooks(config_.hooks, record_);
    };
}

linux_::ChildProcess NewContainer::commit(linux_::ChildProcess init) {
    record_.pid = init.pid();
    record_.cgroup = cgroup_->record();  // with systemd, the directories were made while the init joined
    record_.pid_start_time = state::process_start_time(init.pid());
    container_->save(record_);
    sync::log_step("parent", "created");
    // Last, as it leaves no file when it fails (tmp + rename): nothing after it needs undoing.
    if (!pid_file_.empty()) write_pid_file(pid_file_, init.pid());
    cleanup_.dismiss();
    return init;
}

}  // namespace ocirt::runtime
