#include "linux/net_devices.hpp"

#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

std::optional<Link> get_link(NetlinkSocket& socket, NetlinkRequest& request, const std::string& what) {
    std::optional<Link> found;
    try {
        socket.query(
            request,
            [&](const NetlinkReply& reply) {
                const auto* info = static_cast<const ifinfomsg*>(reply.family_header(sizeof(ifinfomsg)));
                if (reply.header.nlmsg_type != RTM_NEWLINK || !info) return;
                Link link{info->ifi_index, {}, info->ifi_flags};
                reply.each_attribute(sizeof(ifinfomsg), [&](uint16_t type, const void* data, std::size_t size) {
                    if (type == IFLA_IFNAME) link.name.assign(static_cast<const char*>(data), ::strnlen(static_cast<const char*>(data), size));
                });
                found = link;
            },
            what);
    } catch (const Error& e) {
        if (e.errno_value() == ENODEV) return std::nullopt;
        throw;
    }
    return found;
}

std::vector<uint8_t> bytes_of(const void* data, std::size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    return std::vector<uint8_t>(p, p + size);
}

// The IFA_F_* a request may carry (inet_rtm_newaddr, inet6_rtm_newaddr); the kernel sets the others itself
// (IFA_F_PERMANENT for an address given without lifetimes, IFA_F_TENTATIVE during DAD, ...).
constexpr uint32_t kSettableAddressFlags =
    IFA_F_NODAD | IFA_F_HOMEADDRESS | IFA_F_MANAGETEMPADDR | IFA_F_NOPREFIXROUTE | IFA_F_MCAUTOJOIN;

// Leaves the network namespace the thread entered and goes back to `home`, whatever ends the scope.
class ReturnToNetworkNamespace {
public:
    explicit ReturnToNetworkNamespace(int home) : home_(home) {}
    ReturnToNetworkNamespace(const ReturnToNetworkNamespace&) = delete;
    ReturnToNetworkNamespace& operator=(const ReturnToNetworkNamespace&) = delete;
    ~ReturnToNetworkNamespace() {
        if (::setns(home_, CLONE_NEWNET) == 0) return;
        // Everything after this (sockets, the hooks, the cleanup) would happen in the container's namespace.
        static const char message[] = "ocirt: cannot return to the runtime's network namespace\n";
        [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
        std::abort();
    }

private:
    int home_;
};

}  // namespace

std::optional<Link> find_link(NetlinkSocket& socket, const std::string& name) {
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    NetlinkRequest request(RTM_GETLINK, 0, &info, sizeof info);
    request.put_string(IFLA_IFNAME, name);
    return get_link(socket, request, "look up network device " + quoted(name));
}

std::optional<Link> find_link(NetlinkSocket& socket, int index) {
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    info.ifi_index = index;
    NetlinkRequest request(RTM_GETLINK, 0, &info, sizeof info);
    return get_link(socket, request, "look up network device " + std::to_string(index));
}

std::vector<InterfaceAddress> addresses_of(NetlinkSocket& socket, int index) {
    // NLM_F_DUMP_INTR: the addresses changed during the dump; a few more tries get a consistent one.
    for (int attempt = 0; attempt < 5; ++attempt) {
        std::vector<InterfaceAddress> found;
        ifaddrmsg header{};
        header.ifa_family = AF_UNSPEC;
        NetlinkRequest request(RTM_GETADDR, NLM_F_DUMP, &header, sizeof header);
        bool consistent = socket.query(
            request,
            [&](const NetlinkReply& reply) {
                const auto* ifa = static_cast<const ifaddrmsg*>(reply.family_header(sizeof(ifaddrmsg)));
                if (reply.header.nlmsg_type != RTM_NEWADDR || !ifa || static_cast<int>(ifa->ifa_index) != index) return;
                InterfaceAddress a;
                a.family = ifa->ifa_family;
                a.prefix_length = ifa->ifa_prefixlen;
                a.scope = ifa->ifa_scope;
                a.flags = ifa->ifa_flags;
                reply.each_attribute(sizeof(ifaddrmsg), [&](uint16_t type, const void* data, std::size_t size) {
                    switch (type) {
                        case IFA_LOCAL: a.local = bytes_of(data, size); break;
                        case IFA_ADDRESS: a.address = bytes_of(data, size); break;
                        case IFA_BROADCAST: a.broadcast = bytes_of(data, size); break;
                        case IFA_LABEL: a.label.assign(static_cast<const char*>(data), ::strnlen(static_cast<const char*>(data), size)); break;
                        case IFA_FLAGS:
                            if (size >= sizeof(uint32_t)) std::memcpy(&a.flags, data, sizeof(uint32_t));
                            break;
                        case IFA_RT_PRIORITY:
                            if (size >= sizeof(uint32_t)) {
                                uint32_t priority;
                                std::memcpy(&priority, data, sizeof priority);
                                a.route_priority = priority;
                            }
                            break;
                        case IFA_PROTO:
                            if (size >= 1) a.protocol = *static_cast<const uint8_t*>(data);
                            break;
                        default: break;
                    }
                });
                found.push_back(std::move(a));
            },
            "list the addresses of network device " + std::to_string(index));
        if (consistent) return found;
    }
    throw Error("list the addresses of network device " + std::to_string(index) + ": the dump kept changing (NLM_F_DUMP_INTR)");
}

void move_link(NetlinkSocket& socket, int index, int netns_fd, int new_index, const std::string& new_name) {
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    info.ifi_index = index;
    NetlinkRequest request(RTM_SETLINK, 0, &info, sizeof info);
    request.put_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
    request.put_s32(IFLA_NEW_IFINDEX, new_index);
    if (!new_name.empty()) request.put_string(IFLA_IFNAME, new_name);
    socket.request(request, "move network device " + std::to_string(index) + " to another network namespace");
}

void add_address(NetlinkSocket& socket, int index, const InterfaceAddress& address, const std::string& label) {
    ifaddrmsg header{};
    header.ifa_family = address.family;
    header.ifa_prefixlen = address.prefix_length;
    header.ifa_flags = static_cast<uint8_t>(address.flags & kSettableAddressFlags & 0xff);
    header.ifa_scope = address.scope;
    header.ifa_index = static_cast<uint32_t>(index);
    NetlinkRequest request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &header, sizeof header);
    if (!address.local.empty()) request.put(IFA_LOCAL, address.local.data(), address.local.size());
    if (!address.address.empty()) request.put(IFA_ADDRESS, address.address.data(), address.address.size());
    if (!address.broadcast.empty()) request.put(IFA_BROADCAST, address.broadcast.data(), address.broadcast.size());
    if (!label.empty()) request.put_string(IFA_LABEL, label);
    request.put_u32(IFA_FLAGS, address.flags & kSettableAddressFlags);
    if (address.route_priority) request.put_u32(IFA_RT_PRIORITY, *address.route_priority);
    if (address.protocol) request.put_u8(IFA_PROTO, *address.protocol);
    socket.request(request, "add an address to network device " + std::to_string(index));
}

void set_link_up(NetlinkSocket& socket, int index) {
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    info.ifi_index = index;
    info.ifi_flags = IFF_UP;
    info.ifi_change = IFF_UP;
    NetlinkRequest request(RTM_SETLINK, 0, &info, sizeof info);
    socket.request(request, "set network device " + std::to_string(index) + " up");
}

NetlinkSocket netlink_socket_in_namespace_of(int pidfd) {
    UniqueFd home = NetlinkSocket::open_route().network_namespace();
    if (::setns(pidfd, CLONE_NEWNET) < 0) throw SysError("enter the container's network namespace");
    ReturnToNetworkNamespace back(home.get());
    return NetlinkSocket::open_route();
}

bool same_network_namespace(int netns_fd_a, int netns_fd_b) {
    struct stat a{}, b{};
    if (::fstat(netns_fd_a, &a) < 0 || ::fstat(netns_fd_b, &b) < 0) throw SysError("stat a network namespace");
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace ocirt::linux_
