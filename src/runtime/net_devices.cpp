#include "runtime/net_devices.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <climits>
#include <string>

#include "linux/net_devices.hpp"
#include "sync/await_child.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

using linux_::InterfaceAddress;
using linux_::Link;
using linux_::NetlinkSocket;

// Runs f(); an Error from it is thrown again naming the device's JSON pointer.
template <class F>
void for_net_device(const plan::NetDevice& device, F&& f) {
    try {
        f();
    } catch (const Error& e) {
        if (!e.json_pointer().empty()) throw;
        throw Error(e.frames(), e.message(), e.errno_value(), device.pointer);
    }
}

std::string device_name_pointer(const plan::NetDevice& device) {
    return device.name != device.host_name ? device.pointer + "/name" : device.pointer;
}

// config-linux.md: "all permanent IP addresses (IFA_F_PERMANENT flag) of any family with global scope
// (RT_SCOPE_UNIVERSE value)"; addresses the kernel or a daemon added with a lifetime, and link-local ones,
// belong to the old namespace.
bool moves_with_device(const InterfaceAddress& a) { return (a.flags & IFA_F_PERMANENT) && a.scope == RT_SCOPE_UNIVERSE; }

// An IPv4 alias label names its device ("veth0:1"): it follows the rename. No label, or the device's own name,
// is left to the kernel, which labels the address with the device's (new) name.
std::string label_after_move(const InterfaceAddress& a, const std::string& old_name, const std::string& new_name) {
    if (a.label.empty() || a.label == old_name) return {};
    if (a.label.rfind(old_name + ":", 0) == 0) {
        std::string renamed = new_name + a.label.substr(old_name.size());
        return renamed.size() < 16 ? renamed : std::string();  // IFNAMSIZ
    }
    return a.label;
}

// The device's own index when the container's namespace has no device there (the kernel would keep it too),
// else the next free one: asked for explicitly (IFLA_NEW_IFINDEX), the index finds the device after the move
// whatever name a "%d" template gave it.
int index_in_container(NetlinkSocket& container, int host_index) {
    for (int candidate = host_index; candidate > 0 && candidate < INT_MAX; ++candidate)
        if (!linux_::find_link(container, candidate)) return candidate;
    throw Error("no free interface index in the container's network namespace");
}

void move_one(const plan::NetDevice& device, const Link& link, NetlinkSocket& host, NetlinkSocket& container, int container_ns) {
    std::vector<InterfaceAddress> addresses;
    for (auto& a : linux_::addresses_of(host, link.index))
        if (moves_with_device(a)) addresses.push_back(std::move(a));
    int index = index_in_container(container, link.index);
    linux_::move_link(host, link.index, container_ns, index, device.name == link.name ? std::string() : device.name);
    std::optional<Link> moved = linux_::find_link(container, index);
    if (!moved) throw Error("network device " + quoted(link.name) + " is not at index " + std::to_string(index) + " after the move");
    for (const auto& a : addresses) linux_::add_address(container, index, a, label_after_move(a, link.name, moved->name));
    linux_::set_link_up(container, index);
    sync::log_step("parent", "network device " + link.name + " moved in as " + moved->name + " with " +
                                 std::to_string(addresses.size()) + " address(es), up");
}

}  // namespace

void move_net_devices(const std::vector<plan::NetDevice>& devices, int init_pidfd) {
    if (devices.empty()) return;
    NetlinkSocket host = NetlinkSocket::open_route();
    NetlinkSocket container = linux_::netlink_socket_in_namespace_of(init_pidfd);
    UniqueFd container_ns = container.network_namespace();
    if (linux_::same_network_namespace(host.network_namespace().get(), container_ns.get()))
        throw ConfigError(devices.front().pointer, "the container's network namespace is the runtime's own: the device has nowhere to move");
    // config-linux.md: "The runtime MUST check if moving the network interface to the container namespace is
    // possible", and a name in use there is an error unless it holds "%d".
    std::vector<Link> links;
    for (const auto& device : devices) {
        std::optional<Link> link;
        for_net_device(device, [&] { link = linux_::find_link(host, device.host_name); });
        if (!link) throw ConfigError(device.pointer, "no network device " + quoted(device.host_name) + " in the runtime's network namespace");
        bool taken = false;
        for_net_device(device, [&] { taken = !device.pattern && linux_::find_link(container, device.name); });
        if (taken)
            throw ConfigError(device_name_pointer(device), "a network device " + quoted(device.name) +
                                                        " already exists in the container's network namespace (only a name with \"%d\" may clash)");
        links.push_back(*link);
    }
    for (size_t i = 0; i < devices.size(); ++i)
        for_net_device(devices[i], [&] { move_one(devices[i], links[i], host, container, container_ns.get()); });
}

void answer_net_devices_please(const sync::Channel& channel, linux_::ChildProcess& init,
                               const std::vector<plan::NetDevice>& devices) {
    sync::await_from_child(channel, init, sync::MsgType::NetDevicesPlease);
    with_context("network devices", [&] { move_net_devices(devices, init.pidfd()); });
    sync::send_to_child(channel, init, sync::Message::plain(sync::MsgType::NetDevicesMoved));
    sync::log_step("parent", "network devices moved");
}

}  // namespace ocirt::runtime
