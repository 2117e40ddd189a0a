#include "init/device_nodes.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "linux/resolve.hpp"
#include "util/error.hpp"

namespace ocirt::init {

std::vector<UniqueFd> prepare_device_nodes(const plan::InitPlan& plan) {
    if (!plan.new_user_namespace || plan.devices.empty() || ::geteuid() != 0) return {};
    UniqueFd context(::fsopen("tmpfs", FSOPEN_CLOEXEC));
    if (!context) throw SysError("fsopen tmpfs for the device nodes");
    if (::fsconfig(context.get(), FSCONFIG_SET_STRING, "mode", "0700", 0) < 0 ||
        ::fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        throw SysError("create the tmpfs for the device nodes");
    // Like the container's /dev: nothing on it is executable or setuid.
    UniqueFd dir(::fsmount(context.get(), FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC));
    if (!dir) throw SysError("fsmount the tmpfs for the device nodes");
    std::vector<UniqueFd> nodes(plan.devices.size());
    for (size_t i = 0; i < plan.devices.size(); ++i) {
        const auto& d = plan.devices[i];
        std::string name = std::to_string(i);
        if (::mknodat(dir.get(), name.c_str(), d.type | d.mode, d.number) < 0) throw SysError("mknod " + quoted(d.path));
        if (::fchmodat(dir.get(), name.c_str(), d.mode, 0) < 0) throw SysError("chmod " + quoted(d.path));
        if (::fchownat(dir.get(), name.c_str(), d.host_uid, d.host_gid, AT_SYMLINK_NOFOLLOW) < 0)
            throw SysError("chown " + quoted(d.path) + " to " + std::to_string(d.host_uid) + ":" + std::to_string(d.host_gid));
        nodes[i].reset(::open_tree(dir.get(), name.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
        // open_tree(2) from a detached mount is refused (EINVAL) by kernels older than this one was
        // tried on: the init binds the host's node as before.
        if (!nodes[i] && errno == EINVAL) return {};
        if (!nodes[i]) throw SysError("open_tree the node for " + quoted(d.path));
    }
    return nodes;
}

void attach_device_node(int root_fd, const plan::DeviceNode& device, int node_fd) {
    UniqueFd target = linux_::make_in_root(root_fd, device.path, true);
    if (::move_mount(node_fd, "", target.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw SysError("mount the device node on " + quoted(device.path));
}

}  // namespace ocirt::init
