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

// Writes the queued Log lines and throws the child's Fail when one is queued.
void throw_queued_failure(const Channel& channel) {
    while (auto queued = channel.try_receive()) {
        if (queued->type == MsgType::Log) log::write(queued->log_level(), queued->log_text());
        if (queued->type == MsgType::Fail) throw queued->error();
    }
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

void rethrow_child_failure_first(const Channel& channel) {
    throw_queued_failure(channel);
    throw;
}

void send_to_child(const Channel& channel, linux_::ChildProcess& child, const Message& message, std::string_view who) {
    try {
        channel.send(message);
    } catch (const Error&) {
        throw_queued_failure(channel);
        if (!child.exited(5000)) throw;
        std::string reason;
        try {
            reason = child.wait().describe();
        } catch (const Error&) {
            reason = "exited";
        }
        throw Error(std::string(who) + " exited before receiving " + std::string(to_string(message.type)) + ": " +
                    reason);
    }
}

}  // namespace ocirt::sync
