#pragma once
// config-linux.md "Network Devices", the parent's side of NetDevicesPlease → NetDevicesMoved
// (src/sync/protocol.hpp). Once the init is in all its namespaces and before it sets anything up, each device
// of plan.net_devices moves from the runtime's network namespace into the init's, renamed in the same
// request; its permanent addresses of global scope, which the kernel drops when a device changes namespace,
// are added back there, and it is set up.
//
// The parent does it, not the init: as root in the initial user namespace it has CAP_NET_ADMIN over every
// network namespace, also one the container joins by path that the container's own user namespace does not
// own. It moves the device from a socket of its own namespace (RTM_SETLINK, IFLA_NET_NS_FD) and works on it
// afterwards through a socket it makes in the container's namespace (setns(2) into it and straight back).
//
// Nothing moves a device back: config-linux.md "Namespace Lifecycle and Container Termination" says the
// runtime MUST NOT move it out of the namespace before deletion. When the namespace is freed the kernel
// returns physical devices to the initial network namespace and destroys virtual ones (a veth pair with
// both its ends), network_namespaces(7); so does a create that fails after a device moved, as its init dies.
#include <vector>

#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "sync/channel.hpp"

namespace ocirt::runtime {

// Waits for NetDevicesPlease, moves the devices, answers NetDevicesMoved.
void answer_net_devices_please(const sync::Channel& channel, linux_::ChildProcess& init,
                               const std::vector<plan::NetDevice>& devices);

// Every device is checked before the first one moves (it exists in the runtime's namespace; a name that is not
// a "%d" template is free in the container's), so a refusal leaves them all where they were. An error names
// the device's JSON pointer.
void move_net_devices(const std::vector<plan::NetDevice>& devices, int init_pidfd);

}  // namespace ocirt::runtime
