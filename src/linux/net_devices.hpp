#pragma once
// Network devices through rtnetlink(7) (linux/netlink.hpp): look a link up, list its addresses, move it into
// another network namespace under a new name, give it an address, set it up; and a netlink socket made in
// another process's network namespace.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "linux/netlink.hpp"

namespace ocirt::linux_ {

struct Link {
    int index = 0;
    std::string name;
    unsigned flags = 0;  // IFF_*
};

// RTM_GETLINK by name or by index in the socket's namespace; nullopt when there is no such device (ENODEV).
std::optional<Link> find_link(NetlinkSocket& socket, const std::string& name);
std::optional<Link> find_link(NetlinkSocket& socket, int index);

// One address of a device as RTM_GETADDR reports it (rtnetlink(7) "ifaddrmsg"), with what RTM_NEWADDR takes
// back: the raw IFA_LOCAL, IFA_ADDRESS and IFA_BROADCAST bytes, the label, the flags (IFA_FLAGS when present,
// else ifa_flags), the route metric and the protocol that added it.
struct InterfaceAddress {
    uint8_t family = 0;
    uint8_t prefix_length = 0;
    uint8_t scope = 0;
    uint32_t flags = 0;
    std::vector<uint8_t> local, address, broadcast;
    std::string label;
    std::optional<uint32_t> route_priority;  // IFA_RT_PRIORITY
    std::optional<uint8_t> protocol;         // IFA_PROTO
};

// Every address of the device `index`, of any family (a dump filtered here: without strict checking the
// kernel ignores ifa_index in a dump request).
std::vector<InterfaceAddress> addresses_of(NetlinkSocket& socket, int index);

// RTM_SETLINK on the device's current namespace: moves the device `index` into the network namespace
// `netns_fd` (IFLA_NET_NS_FD), at index `new_index` there (IFLA_NEW_IFINDEX, Linux 5.8: the kernel refuses
// the move with EBUSY if it is taken) and renamed to `new_name` in the same request when not empty
// (IFLA_IFNAME; with "%d" the kernel picks the number).
void move_link(NetlinkSocket& socket, int index, int netns_fd, int new_index, const std::string& new_name);

// RTM_NEWADDR (NLM_F_CREATE | NLM_F_EXCL) of `address` on the device `index`, `label` its IFA_LABEL ("" none).
void add_address(NetlinkSocket& socket, int index, const InterfaceAddress& address, const std::string& label);

// RTM_SETLINK with IFF_UP in ifi_flags and ifi_change: the administrative state "up".
void set_link_up(NetlinkSocket& socket, int index);

// A NETLINK_ROUTE socket of the network namespace of the process `pidfd` refers to. A socket belongs to the
// namespace it is made in, so the calling thread enters that namespace (setns(2) with a pidfd, Linux 5.8) only
// to make it and returns to its own before this returns; a thread that cannot return aborts the process,
// which must not go on in the container's namespace.
NetlinkSocket netlink_socket_in_namespace_of(int pidfd);

// True when the two descriptors name the same network namespace (their nsfs inodes, namespaces(7)).
bool same_network_namespace(int netns_fd_a, int netns_fd_b);

}  // namespace ocirt::linux_
