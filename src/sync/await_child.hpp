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

}  // namespace ocirt::sync
