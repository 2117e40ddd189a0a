#include "runtime/create.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>

#include "cgroups/default_device_rules.hpp"
#include "cgroups/fork_into_cgroup.hpp"
#include "cgroups/manager.hpp"
#include "hooks/lifecycle_hooks.hpp"
#include "linux/mounts.hpp"
#include "plan/init_plan.hpp"
#include "runtime/cleanup_stack.hpp"
#include "runtime/console_socket.hpp"
#include "runtime/tty_proxy.hpp"
#include "runtime/host_facts.hpp"
#include "runtime/launcher.hpp"
#include "runtime/rootless.hpp"
#include "runtime/listen_fds.hpp"
#include "config/load.hpp"
#include "state/store.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

std::string absolute_bundle(const std::string& bundle) {
    std::error_code ec;
    auto path = std::filesystem::absolute(bundle.empty() ? "." : bundle, ec);
    if (ec) throw Error("bundle " + ocirt::quoted(bundle) + ": " + ec.message());
    return path.lexically_normal().string();
}

// fifo(7) in the state directory: the init blocks opening it for writing until `start` reads it.
UniqueFd make_exec_fifo(const std::string& path) {
    if (::mkfifo(path.c_str(), 0622) < 0) throw SysError("mkfifo " + ocirt::quoted(path));
    // The init may already run as process.user.uid when it opens the fifo; mkfifo(3) applies the umask.
    if (::chmod(path.c_str(), 0622) < 0) throw SysError("chmod " + ocirt::quoted(path));
    int fd = ::open(path.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) throw SysError("open " + ocirt::quoted(path));
    return UniqueFd(fd);
}

std::string strip_trailing_slashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

}  // namespace

void write_pid_file(const std::string& path, pid_t pid) {
    std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw SysError("create pid file " + ocirt::quoted(tmp));
    UniqueFd file(fd);
    std::string digits = std::to_string(pid);
    if (::write(file.get(), digits.data(), digits.size()) != static_cast<ssize_t>(digits.size())) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw SysError("write pid file " + ocirt::quoted(tmp), err);
    }
    file.reset();
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw SysError("rename pid file to " + ocirt::quoted(path), err);
    }
}

linux_::ChildProcess create_container(const CreateRequest& request) {
    std::string bundle = absolute_bundle(request.bundle);
    std::string config_text;
    config::Config config = config::load_bundle_or_throw(bundle, &config_text);
    sync::log_step("parent", "config loaded");
    const cgroups::Hierarchy hierarchy = request.hierarchy ? *request.hierarchy : cgroups::Hierarchy::detect();
    plan::InitPlan plan =
        plan::make_init_plan(config, host_facts(hierarchy),
                             {bundle, request.no_pivot, request.preserve_fds, ::geteuid() != 0,
                              request.no_new_keyring ? std::string() : request.id});
    if (plan.seccomp && plan.seccomp->listener) plan.seccomp->listener->id = request.id;
    pass_listen_fds(plan);
    bool proxied = request.tty_proxy && plan.process.terminal && request.console_socket.empty();
    UniqueFd console = proxied ? UniqueFd() : console_socket_for(plan.process.terminal, request.detached, request.console_socket);
    if (proxied) request.tty_proxy->use();
    std::string pid_file;
    if (!request.pid_file.empty()) pid_file = std::filesystem::absolute(request.pid_file).lexically_normal().string();

    state::Store store(strip_trailing_slashes(request.root));
    state::Container container = store.create(request.id);
    std::optional<cgroups::Manager> cgroup;
    CleanupStack cleanup;  // declared after what its steps refer to, so it unwinds while they still exist
    cleanup.push("remove the state directory", [&] { container.remove(); });

    std::optional<cgroups::Manager> planned_cgroup;
    // A create SIGKILLed before container.save() must still let delete --force find its cgroup.
    if (!request.systemd_cgroup) {
        planned_cgroup = cgroups::Manager::for_container(config.linux_ ? config.linux_->cgroupsPath : std::nullopt, request.id, hierarchy);
        container.save_pending_cgroup(planned_cgroup->path());
    }

    uint64_t rootfs_mount_id_before = 0;
    if (!plan.has_mount_namespace) {
        rootfs_mount_id_before = linux_::mount_id_of(plan.rootfs);
        cleanup.push("detach the rootfs from the host's mount namespace",
                     [&] { linux_::detach_mounts_over(plan.rootfs, rootfs_mount_id_before); });
    }

    state::Record record;
    record.oci_version = config.ociVersion;
    record.id = request.id;
    record.bundle = bundle;
    record.rootfs = plan.rootfs;
    record.created = log::rfc3339_now();
    record.owner = ::getuid();
    record.annotations = config.annotations;
    record.systemd_cgroup = request.systemd_cgroup;
    record.no_new_keyring = request.no_new_keyring;
    record.rootfs_mount_id_before = rootfs_mount_id_before;
    record.hooks = config.hooks;
    plan.hooks.state = state::oci_state(record, hooks::kStatusBeforeStart);

    UniqueFd fifo = make_exec_fifo(container.exec_fifo_path());
    LaunchFds launch_fds{fifo.get(), container.lock_fd(), proxied ? request.tty_proxy->child_end() : console.get()};
    // The init made by one clone needs nothing from the parent before its cgroup, so it starts while the
    // parent makes the cgroup (several ms of mkdir in the v1 hierarchies). Unless it can be cloned straight
    // into a cgroup v2 directory, or systemd makes the cgroup for its pid.
    std::optional<StartedChild> started;  // declared after `cleanup`: killed and reaped before it unwinds
    if (plan.namespaces_at_clone && planned_cgroup && !cgroups::clone_target(*planned_cgroup))
        started = start_init(plan, launch_fds, std::nullopt);
    // Written while an early init sets itself up on the other CPU; exec reads it only once state.json exists.
    container.save_config(config_text);

    cgroup.emplace(create_container_cgroup(config, request.id, request.rootless, request.systemd_cgroup, hierarchy,
                                           std::move(planned_cgroup)));
    cleanup.push("remove the cgroup", [&] { cgroup->destroy(); });
    // Limits are in place before the init joins the cgroup, so they hold from its first instruction.
    if (config.linux_) {
        config::Resources resources = config.linux_->resources.value_or(config::Resources{});
        resources.devices = cgroups::with_default_device_rules(resources.devices, config.linux_->devices);
        with_context("cgroup", [&] { cgroup->apply(resources); });
    }
    sync::log_step("parent", "cgroup created");
    record.cgroup_path = cgroup->path();

    linux_::ChildProcess init;
    auto run_runtime_hooks = [&](pid_t pid) {
        record.pid = pid;
        hooks::run_create_runtime_hooks(config.hooks, record);
    };
    try {
        if (!started) started = start_init(plan, launch_fds, cgroups::clone_target(*cgroup));
        init = launch(plan, *started, *cgroup, kInitNames, run_runtime_hooks);
    } catch (...) {
        // runtime.md "Lifecycle" steps 3-5: a failed create goes on at step 12 (destroy), then 13 (poststop).
        cleanup.unwind();
        hooks::run_poststop_hooks(record);
        throw;
    }
    record.pid = init.pid();
    record.cgroup_created_from = cgroup->created_from();  // with systemd, made while the init joined
    record.pid_start_time = state::process_start_time(init.pid());
    container.save(record);
    if (!pid_file.empty()) {
        write_pid_file(pid_file, init.pid());
        cleanup.push("remove the pid file", [&] { ::unlink(pid_file.c_str()); });
    }
    sync::log_step("parent", "created");
    cleanup.dismiss();
    return init;
}

}  // namespace ocirt::runtime
