#pragma once
// One end of the protocol's SOCK_SEQPACKET socketpair (unix(7)): one datagram per message, fds by
// SCM_RIGHTS received with MSG_CMSG_CLOEXEC.
#include <optional>
#include <string_view>
#include <utility>

#include "sync/message.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::sync {

class Channel {
public:
    Channel() = default;
    explicit Channel(UniqueFd fd) : fd_(std::move(fd)) {}

    // first: the parent's end, second: the child's end.
    static std::pair<Channel, Channel> pair();

    int fd() const { return fd_.get(); }
    explicit operator bool() const { return static_cast<bool>(fd_); }
    void close() { fd_.reset(); }

    void send(const Message& message) const;
    // Blocks for one message; std::nullopt when the peer has closed its end.
    std::optional<Message> receive() const;
    // Like receive() but returns std::nullopt at once when nothing is queued.
    std::optional<Message> try_receive() const;

    // Child side: waits for `expected`; anything else (or the end of the stream) throws
    // "expected X, got Y".
    Message expect(MsgType expected) const;

    // Sends a Log line when the logger would print it (debug lines only with --debug).
    void log(log::Level level, std::string_view text) const;

private:
    std::optional<Message> receive_with(int flags, bool* would_block) const;
    UniqueFd fd_;
};

}  // namespace ocirt::sync
