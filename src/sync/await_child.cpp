#include "sync/await_child.hpp"

#include <poll.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::sync {
namespace {

std::string expected_text(MsgType expected) { return "expected " + std::string(to_string(expected)); }

// True when the message was the one expected; Log is handled here; anything else throws.
bool take(Message& message, MsgType expected) {
    if (message.type == expected) return true;
    if (message.type == MsgType::Log) {
        log::write(message.log_level(), message.log_text());
        return false;
    }
    if (message.type == MsgType::Fail) throw message.error();
    throw Error(expected_text(expected) + ", got " + std::string(to_string(message.type)));
}

[[noreturn]] void report_exit(linux_::ChildProcess& child, MsgType expected, std::string_view who) {
    std::string reason;
    try {
        reason = child.wait().describe();
    } catch (const Error&) {
        reason = "exited";
    }
    throw Error(std::string(who) + " exited before sending " + std::string(to_string(expected)) + ": " + reason);
}

}  // namespace

Message await_from_child(const Channel& channel, linux_::ChildProcess& child, MsgType expected, std::string_view who,
                         int timeout_ms) {
    for (;;) {
        pollfd fds[2] = {{channel.fd(), POLLIN, 0}, {child.pidfd(), POLLIN, 0}};
        int rc = ::poll(fds, 2, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) throw SysError("poll");
        if (rc == 0) throw Error("timed out waiting for " + std::string(to_string(expected)) + " from " + std::string(who));
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            auto message = channel.try_receive();
            if (message) {
                if (take(*message, expected)) return std::move(*message);
                continue;
            }
            if (child.exited(5000)) report_exit(child, expected, who);
            throw Error(std::string(who) + " closed the channel before sending " + std::string(to_string(expected)));
        }
        if (fds[1].revents & POLLIN) {
            while (auto message = channel.try_receive())
                if (take(*message, expected)) return std::move(*message);
            report_exit(child, expected, who);
        }
    }
}

}  // namespace ocirt::sync
