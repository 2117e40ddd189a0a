#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "criu/criu.hpp"
#include "hooks/lifecycle_hooks.hpp"
#include "linux/unix_socket.hpp"
#include "runtime/checkpoint.hpp"
#include "runtime/checkpoint_image.hpp"
#include "runtime/delete.hpp"
#include "runtime/new_container.hpp"
#include "runtime/signal_forwarder.hpp"
#include "runtime/tty_proxy.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::runtime {
namespace {

// The rootfs bound on a directory of the state directory for CRIU to restore the mount namespace on: the
// root it takes must be a mount point (criu(8) --root), and the bundle's rootfs may be a plain directory.
// Detached and removed again once CRIU is done: the restored tree has its own mount namespace by then.
class RestoreRoot {
public:
    RestoreRoot(const std::string& rootfs, const std::string& state_dir) : path_(state_dir + "/criu-root") {
        if (::mkdir(path_.c_str(), 0700) < 0) throw SysError("mkdir " + ocirt::quoted(path_));
        if (::mount(rootfs.c_str(), path_.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0) {
            int err = errno;
            ::rmdir(path_.c_str());
            throw SysError("bind the rootfs on " + ocirt::quoted(path_), err);
        }
    }
    ~RestoreRoot() {
        if (::umount2(path_.c_str(), MNT_DETACH) < 0) log::warn("unmount " + ocirt::quoted(path_) + ": " + std::string(std::strerror(errno)));
        ::rmdir(path_.c_str());
    }
    RestoreRoot(const RestoreRoot&) = delete;
    RestoreRoot& operator=(const RestoreRoot&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// The new pty's master goes where create sends one: the console socket, or our own terminal proxy. Its payload
// names the peer as create's does, from the master's pty number (ioctl_tty(2) TIOCGPTN).
void hand_over_master(const NewContainer& container, int master) {
    unsigned int number = 0;
    if (::ioctl(master, TIOCGPTN, &number) < 0) throw SysError("read the restored pty's number");
    with_context("send the pty master on the console socket",
                 [&] { linux_::send_with_fd(container.console_socket(), "/dev/pts/" + std::to_string(number), master); });
}

UniqueFd open_namespace(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SysError("open the network namespace " + ocirt::quoted(path));
    return UniqueFd(fd);
}

// CRIU's launch in create's place: the tree recreated in the placed cgroup and the container's namespaces,
// the prestart and createRuntime hooks run where CRIU has set the namespaces up, and the tree's root made our
// child (criu(8) swrk: rst_sibling) to be held like a forked init.
linux_::ChildProcess restore_tree(NewContainer& container, cgroups::Manager& cgroup, const CriuDirectories& dirs,
                                  const RestoreRequest& request) {
    criu::Options o = common_criu_options(request.criu, dirs, "restore.log");
    RestoreRoot root(container.plan().rootfs, container.state_dir().dir());
    o.root = root.path();
    o.rst_sibling = true;
    // The new pty criu makes for the dumped terminal comes back to us; without a terminal in the config, an
    // outside terminal is --shell-job's: criu gives the tree its own stdin's (ours).
    o.orphan_pts_master = container.plan().process.terminal;
    o.lsm_profile = request.lsm_profile;
    o.lsm_mount_context = request.lsm_mount_context;
    o.external_mounts = external_bind_mounts(container.config(), container.bundle(), /*restoring=*/true);
    std::optional<UniqueFd> network_namespace;
    if (const config::Namespace* net = joined_network_namespace(container.config())) {
        network_namespace = open_namespace(*net->path);
        o.inherited_fds.push_back({kExternalNetNsKey, network_namespace->get()});
    }
    // A pipe the init had as stdin, stdout or stderr (a shim's, conmon's) is ours now: the caller gave
    // restore the new ones as its own.
    std::vector<std::string> descriptors = saved_standard_descriptors(dirs.images.get());
    for (int fd = 0; fd < static_cast<int>(descriptors.size()) && fd <= 2; ++fd)
        if (descriptors[fd].rfind("pipe:", 0) == 0) o.inherited_fds.push_back({descriptors[fd], fd});
    // The restored tasks go where CRIU's own process is, and where this names in each hierarchy.
    if (!cgroup.placements().empty()) o.cgroup_roots.push_back({"", cgroup.placements().front().cgroup});

    RuntimeHooks hooks = container.runtime_hooks();
    criu::Result result = criu::run(
        request.criu.criu, criu::Action::restore, o,
        [&](const criu::Notification& n) {
            if (n.script == "setup-namespaces") with_context("hooks", [&] { hooks(n.pid); });
            if (n.script == "orphan-pts-master" && n.fd >= 0) hand_over_master(container, n.fd);
        },
        [&](pid_t criu_pid) { with_context("join cgroup", [&] { cgroup.add_process(criu_pid); }); });
    if (result.restored_pid <= 0) throw Error("criu restore reported no process");
    sync::log_step("parent", "restored pid " + std::to_string(result.restored_pid));
    return linux_::ChildProcess(result.restored_pid);
}

}  // namespace

int restore_container(const RestoreRequest& request) {
    std::optional<SignalForwarder> forwarder;  // before the tree exists, so that no signal slips by
    if (!request.detach) forwarder.emplace();
    CriuDirectories dirs = open_criu_directories(request.criu, /*create_images=*/false);
    CreateRequest create = request.create;
    create.detached = request.detach;
    std::optional<TtyProxy> proxy;  // a terminal in the foreground without --console-socket, as run
    if (!request.detach && create.console_socket.empty()) create.tty_proxy = &proxy.emplace();
    linux_::ChildProcess init;
    state::Record record;
    {
        NewContainer container(create);
        // CRIU makes the network namespace with the devices it dumped; a host device cannot be moved into it
        // as create moves one.
        if (!container.plan().net_devices.empty())
            throw ConfigError("/linux/netDevices", "restore cannot move host devices into a restored container's network namespace");
        container.save_config();
        cgroups::Manager& cgroup = container.place();
        // Held after `container` is made, so that on failure the tree is killed before the cleanup unwinds.
        linux_::ChildProcess restored = restore_tree(container, cgroup, dirs, request);
        init = container.commit(std::move(restored));
        record = container.record();
    }
    if (proxy) proxy->close_child_end();
    // runtime.md "Lifecycle" step 9: the restored container runs, as after start.
    hooks::run_poststart_hooks(record);
    if (request.detach) {
        init.release();
        return 0;
    }
    ScopeExit remove([&] {
        try {
            delete_container({create.root, create.id, /*force=*/true});
        } catch (const Error& e) {
            log::warn("remove container " + ocirt::quoted(create.id) + ": " + e.full());
        }
    });
    bool proxied = proxy && proxy->used();
    if (proxied) proxy->receive_master();
    linux_::ExitStatus status = proxied ? proxy->run(init, *forwarder) : forwarder->wait(init);
    sync::log_step("parent", "restored init exited: " + status.describe());
    return status.shell_code();
}

}  // namespace ocirt::runtime
