#pragma once
// The parent's wait for one message: poll(2) on the socket and the child's pidfd together, so a child
// that dies is reported by name instead of hanging the parent.
#include <string_view>

#include "linux/child_process.hpp"
#include "sync/channel.hpp"

namespace ocirt::sync {

// Returns the `expected` message. On the way, Log messages are written through the parent's logger,
// a Fail message is rethrown as the child's Error, any other message throws "expected X, got Y", and a
// child that exits throws "<who> exited before <step>: exit status N" (it is reaped when it is ours).
Message await_from_child(const Channel& channel, linux_::ChildProcess& child, MsgType expected,
                         std::string_view who = "init", int timeout_ms = -1);

// Sends `message` to the child. When the send fails because the child is gone (its end closed), what the child
// queued before it died is read first, so its Fail comes out as its own Error rather than "Broken pipe".
void send_to_child(const Channel& channel, linux_::ChildProcess& child, const Message& message,
                   std::string_view who = "init");

// For a catch handler of the parent: a step of ours that failed because the child had already died (ESRCH
// joining the cgroup, EPIPE sending) rethrows the child's own Fail, queued before it died, as the cause;
// otherwise rethrows the error being handled.
[[noreturn]] void rethrow_child_failure_first(const Channel& channel);

}  // namespace ocirt::sync
