#pragma once
// linux.devices for a container with a new user namespace. mknod(2) needs CAP_MKNOD in the initial user
// namespace, and a filesystem mounted inside a user namespace ignores device nodes (SB_I_NODEV), so the
// first child makes each node while it is still in the initial user namespace: on a detached tmpfs of its
// own (fsopen(2), fsmount(2)), with the config's mode and owner (mapped to host ids), then cloned as a
// detached bind (open_tree(2)) that the init moves onto the device's path (move_mount(2)).
#include <vector>

#include "plan/init_plan.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

// One entry per plan.devices index; no entries when the plan needs none (no new user namespace, not
// root, no devices) or this kernel cannot clone from a detached mount: the init then binds the host's node.
std::vector<UniqueFd> prepare_device_nodes(const plan::InitPlan& plan);

// Moves the prepared node onto the device's path inside the root (an empty file made there first).
void attach_device_node(int root_fd, const plan::DeviceNode& device, int node_fd);

}  // namespace ocirt::init
