#include "sync/channel.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "util/error.hpp"

namespace ocirt::sync {
namespace {

struct Header {
    uint16_t type;
    uint16_t flags;
    uint32_t length;
};

constexpr size_t kMaxMessage = 64 * 1024;
constexpr size_t kMaxFds = 8;

}  // namespace

std::pair<Channel, Channel> Channel::pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0) throw SysError("socketpair");
    return {Channel(UniqueFd(fds[0])), Channel(UniqueFd(fds[1]))};
}

void Channel::send(const Message& message) const {
    std::string body = message.payload.is_null() ? std::string() : message.payload.dump();
    if (body.size() + sizeof(Header) > kMaxMessage) body = body.substr(0, kMaxMessage - sizeof(Header));
    if (message.fds.size() > kMaxFds) throw Error("send " + std::string(to_string(message.type)) + ": too many fds");
    Header header{static_cast<uint16_t>(message.type), 0, static_cast<uint32_t>(body.size())};
    std::vector<char> datagram(sizeof header + body.size());
    std::memcpy(datagram.data(), &header, sizeof header);
    std::memcpy(datagram.data() + sizeof header, body.data(), body.size());

    iovec iov{datagram.data(), datagram.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    if (!message.fds.empty()) {
        size_t bytes = sizeof(int) * message.fds.size();
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(bytes);
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(bytes);
        for (size_t i = 0; i < message.fds.size(); ++i) {
            int fd = message.fds[i].get();
            std::memcpy(CMSG_DATA(cmsg) + i * sizeof(int), &fd, sizeof fd);
        }
    }
    ssize_t n;
    do n = ::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError("send " + std::string(to_string(message.type)));
}

std::optional<Message> Channel::receive_with(int flags, bool* would_block) const {
    // Not zero-filled: recvmsg(2) writes only what arrives; the rest of the 64 KiB is never faulted in.
    std::unique_ptr<char[]> buffer(new char[kMaxMessage]);
    iovec iov{buffer.get(), kMaxMessage};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(fd_.get(), &msg, flags | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && would_block) {
        *would_block = true;
        return std::nullopt;
    }
    if (n < 0 && errno == ECONNRESET) return std::nullopt;
    if (n < 0) throw SysError("receive a message");

    Message message;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof fd);
            message.fds.emplace_back(fd);
        }
    }
    if (n == 0) return std::nullopt;
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) throw Error("receive a message: truncated");
    if (static_cast<size_t>(n) < sizeof(Header)) throw Error("receive a message: short datagram of " + std::to_string(n) + " bytes");
    Header header;
    std::memcpy(&header, buffer.get(), sizeof header);
    if (header.length != static_cast<size_t>(n) - sizeof header) throw Error("receive a message: bad length");
    if (header.type < static_cast<uint16_t>(MsgType::UsernsReady) || header.type > static_cast<uint16_t>(MsgType::NetDevicesMoved))
        throw Error("receive a message: unknown type " + std::to_string(header.type));
    message.type = static_cast<MsgType>(header.type);
    if (header.length > 0) {
        message.payload = nlohmann::json::parse(buffer.get() + sizeof header, buffer.get() + n, nullptr, false);
        if (message.payload.is_discarded())
            throw Error("receive " + std::string(to_string(message.type)) + ": payload is not JSON");
    }
    return message;
}

std::optional<Message> Channel::receive() const { return receive_with(0, nullptr); }

std::optional<Message> Channel::try_receive() const {
    bool would_block = false;
    return receive_with(MSG_DONTWAIT, &would_block);
}

Message Channel::expect(MsgType expected) const {
    auto message = receive();
    if (!message)
        throw Error("expected " + std::string(to_string(expected)) + ", got the end of the stream");
    if (message->type != expected)
        throw Error("expected " + std::string(to_string(expected)) + ", got " + std::string(to_string(message->type)));
    return std::move(*message);
}

void Channel::log(log::Level level, std::string_view text) const {
    if (level == log::Level::debug && !log::debug_enabled()) return;
    try {
        send(Message::log(level, std::string(text)));
    } catch (const Error&) {
    }
}

}  // namespace ocirt::sync
