#include "linux/netlink.hpp"

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

// A dump's datagrams are at most 32 KiB on current kernels (netlink_dump sizes them by the reader's buffer,
// capped there); twice that leaves room. MSG_TRUNC still reports a larger one.
constexpr std::size_t kNetlinkDatagramBuffer = 64 * 1024;

std::size_t netlink_align(std::size_t n) { return (n + NLMSG_ALIGNTO - 1) & ~static_cast<std::size_t>(NLMSG_ALIGNTO - 1); }

// netlink(7) NETLINK_EXT_ACK: after the nlmsgerr (and the request echoed whole unless NLM_F_CAPPED) come
// NLMSGERR_ATTR_* attributes; NLMSGERR_ATTR_MSG is the kernel's own words for the failure.
std::string extended_ack_text(const nlmsghdr& h) {
    if (!(h.nlmsg_flags & NLM_F_ACK_TLVS)) return {};
    const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(&h));
    std::size_t offset = NLMSG_HDRLEN + sizeof(nlmsgerr);
    if (!(h.nlmsg_flags & NLM_F_CAPPED)) offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
    offset = netlink_align(offset);
    std::string text;
    const char* base = reinterpret_cast<const char*>(&h);
    while (offset + NLA_HDRLEN <= h.nlmsg_len) {
        const auto* a = reinterpret_cast<const nlattr*>(base + offset);
        if (a->nla_len < NLA_HDRLEN || offset + a->nla_len > h.nlmsg_len) break;
        if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
            text.assign(base + offset + NLA_HDRLEN, ::strnlen(base + offset + NLA_HDRLEN, a->nla_len - NLA_HDRLEN));
        offset += NLA_ALIGN(a->nla_len);
    }
    return text;
}

[[noreturn]] void throw_netlink_error(const nlmsghdr& h, const std::string& what) {
    if (h.nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) throw Error(what + ": truncated netlink error message");
    int err = -static_cast<const nlmsgerr*>(NLMSG_DATA(&h))->error;
    std::string kernel_says = extended_ack_text(h);
    throw Error(kernel_says.empty() ? what : what + " (" + kernel_says + ")", err);
}

}  // namespace

NetlinkRequest::NetlinkRequest(uint16_t type, uint16_t flags, const void* family_header, std::size_t header_size)
    : bytes_(NLMSG_SPACE(header_size), '\0') {
    nlmsghdr& h = header();
    h.nlmsg_len = static_cast<uint32_t>(NLMSG_LENGTH(header_size));
    h.nlmsg_type = type;
    h.nlmsg_flags = static_cast<uint16_t>(flags | NLM_F_REQUEST);
    std::memcpy(bytes_.data() + NLMSG_HDRLEN, family_header, header_size);
}

nlmsghdr& NetlinkRequest::header() { return *reinterpret_cast<nlmsghdr*>(bytes_.data()); }

void NetlinkRequest::put(uint16_t attribute, const void* data, std::size_t size) {
    std::size_t at = netlink_align(header().nlmsg_len);
    std::size_t length = NLA_HDRLEN + size;
    bytes_.resize(at + NLA_ALIGN(length), '\0');
    nlattr a{static_cast<uint16_t>(length), attribute};
    std::memcpy(bytes_.data() + at, &a, sizeof a);
    if (size) std::memcpy(bytes_.data() + at + NLA_HDRLEN, data, size);
    header().nlmsg_len = static_cast<uint32_t>(at + length);
}

void NetlinkRequest::put_string(uint16_t attribute, std::string_view text) {
    std::string terminated(text);
    put(attribute, terminated.c_str(), terminated.size() + 1);
}

const void* NetlinkReply::family_header(std::size_t size) const {
    if (header.nlmsg_len < NLMSG_LENGTH(size)) return nullptr;
    return NLMSG_DATA(&header);
}

void NetlinkReply::each_attribute(std::size_t header_size,
                                  const std::function<void(uint16_t, const void*, std::size_t)>& visit) const {
    const char* base = reinterpret_cast<const char*>(&header);
    std::size_t offset = NLMSG_SPACE(header_size);
    while (offset + NLA_HDRLEN <= header.nlmsg_len) {
        const auto* a = reinterpret_cast<const nlattr*>(base + offset);
        if (a->nla_len < NLA_HDRLEN || offset + a->nla_len > header.nlmsg_len) break;
        visit(static_cast<uint16_t>(a->nla_type & NLA_TYPE_MASK), base + offset + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
        offset += NLA_ALIGN(a->nla_len);
    }
}

NetlinkSocket NetlinkSocket::open_route() {
    int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) throw SysError("netlink socket");
    NetlinkSocket s{UniqueFd(fd)};
    // Both are optional (Linux 4.12 and 4.3): without them errors come without the kernel's text.
    int on = 1;
    ::setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
    ::setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks the port
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0) throw SysError("bind netlink socket");
    return s;
}

uint32_t NetlinkSocket::send(NetlinkRequest& request, const std::string& what) {
    uint32_t sequence = ++sequence_;
    request.header().nlmsg_seq = sequence;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t n;
    do {
        n = ::sendto(fd_.get(), request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError(what + ": netlink send");
    if (static_cast<std::size_t>(n) != request.size()) throw Error(what + ": netlink send: short write");
    return sequence;
}

bool NetlinkSocket::query(NetlinkRequest& request, const std::function<void(const NetlinkReply&)>& on_reply,
                          const std::string& what) {
    const bool dump = (request.header().nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    const bool ack = request.header().nlmsg_flags & NLM_F_ACK;
    uint32_t sequence = send(request, what);
    bool consistent = true;
    std::vector<char> buffer(kNetlinkDatagramBuffer);
    for (;;) {
        sockaddr_nl from{};
        iovec iov{buffer.data(), buffer.size()};
        msghdr msg{};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof from;
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        ssize_t n;
        do {
            n = ::recvmsg(fd_.get(), &msg, 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0) throw SysError(what + ": netlink receive");
        if (msg.msg_flags & MSG_TRUNC) throw Error(what + ": netlink reply larger than " + std::to_string(buffer.size()) + " bytes");
        if (from.nl_pid != 0) continue;  // only the kernel answers; nothing else may speak for it
        auto left = static_cast<int>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            if (h->nlmsg_seq != sequence) continue;  // a late answer to an earlier request
            if (h->nlmsg_flags & NLM_F_DUMP_INTR) consistent = false;
            if (h->nlmsg_type == NLMSG_ERROR) {
                if (h->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) throw Error(what + ": truncated netlink error message");
                if (static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error != 0) throw_netlink_error(*h, what);
                return consistent;  // the acknowledgement: the end of the answer
            }
            if (h->nlmsg_type == NLMSG_DONE) {
                // netlink(7): a dump that failed on the way ends with a negative error in NLMSG_DONE.
                int err = 0;
                if (h->nlmsg_len >= NLMSG_LENGTH(sizeof err)) std::memcpy(&err, NLMSG_DATA(h), sizeof err);
                if (err < 0) throw Error(what + ": the dump ended early", -err);
                return consistent;
            }
            on_reply(NetlinkReply{*h});
            if (!dump && !ack) return consistent;
        }
    }
}

void NetlinkSocket::request(NetlinkRequest& request, const std::string& what) {
    request.header().nlmsg_flags |= NLM_F_ACK;
    query(request, [&](const NetlinkReply&) {}, what);
}

UniqueFd NetlinkSocket::network_namespace() const {
    int fd = ::ioctl(fd_.get(), SIOCGSKNS);
    if (fd < 0) throw SysError("network namespace of a netlink socket (SIOCGSKNS)");
    return UniqueFd(fd);
}

}  // namespace ocirt::linux_
