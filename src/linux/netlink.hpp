#pragma once
// rtnetlink(7) over a NETLINK_ROUTE socket (netlink(7)), written by hand against the kernel's uapi headers
// (<linux/netlink.h>, <linux/rtnetlink.h>). No Debian library: libmnl would only save the attribute packing
// below, and libnl-route is far more than the few link and address requests of linux/net_devices.hpp.
#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// One request: the nlmsghdr, the family's fixed header (ifinfomsg, ifaddrmsg) and its attributes, each
// padded to NLMSG_ALIGNTO/NLA_ALIGNTO as netlink(7) and rtnetlink(7) lay them out.
class NetlinkRequest {
public:
    NetlinkRequest(uint16_t type, uint16_t flags, const void* family_header, std::size_t header_size);
    void put(uint16_t attribute, const void* data, std::size_t size);
    void put_u8(uint16_t attribute, uint8_t value) { put(attribute, &value, sizeof value); }
    void put_u32(uint16_t attribute, uint32_t value) { put(attribute, &value, sizeof value); }
    void put_s32(uint16_t attribute, int32_t value) { put(attribute, &value, sizeof value); }
    void put_string(uint16_t attribute, std::string_view text);  // NUL-terminated, as IFLA_IFNAME wants
    nlmsghdr& header();
    const char* data() const { return bytes_.data(); }
    std::size_t size() const { return bytes_.size(); }

private:
    std::vector<char> bytes_;
};

// A message of a reply: its header and, after the family's fixed header, its attributes.
struct NetlinkReply {
    const nlmsghdr& header;
    // The fixed header of the family (ifinfomsg, ...), or nullptr when the message is shorter than `size`.
    const void* family_header(std::size_t size) const;
    // Calls `visit(type, data, length)` for each attribute after a fixed header of `header_size` bytes.
    void each_attribute(std::size_t header_size,
                        const std::function<void(uint16_t, const void*, std::size_t)>& visit) const;
};

class NetlinkSocket {
public:
    // socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE): it belongs to the network namespace of the
    // calling thread for its whole life, whatever namespace the thread moves to later.
    static NetlinkSocket open_route();

    // Sends `request` with NLM_F_ACK and waits for its acknowledgement, an NLMSG_ERROR with error 0. A
    // negative error throws Error with that errno, `what` and the kernel's extended ack message, if any.
    void request(NetlinkRequest& request, const std::string& what);
    // Sends `request` and calls `on_reply` for each message answering it: the one reply, or with NLM_F_DUMP
    // every message up to NLMSG_DONE. An NLMSG_ERROR throws as in request(). Returns false when the kernel
    // flagged a dump NLM_F_DUMP_INTR (the table changed under it: the caller may ask again).
    bool query(NetlinkRequest& request, const std::function<void(const NetlinkReply&)>& on_reply, const std::string& what);

    // The network namespace the socket belongs to, as a file descriptor (SIOCGSKNS, sock_ioctl: Linux 4.9;
    // needs CAP_NET_ADMIN over that namespace), for setns(2) or IFLA_NET_NS_FD.
    UniqueFd network_namespace() const;
    int fd() const { return fd_.get(); }

private:
    explicit NetlinkSocket(UniqueFd fd) : fd_(std::move(fd)) {}
    uint32_t send(NetlinkRequest& request, const std::string& what);
    UniqueFd fd_;
    uint32_t sequence_ = 0;
};

}  // namespace ocirt::linux_
