#pragma once
// What the init and an exec'd process share as forked children of the runtime: the second fork into a
// PID namespace, and reporting a failure to the parent.
#include "sync/channel.hpp"

namespace ocirt::init {

// pid_namespaces(7): setns and unshare move only the children that follow, so a process entering a PID
// namespace forks once more. clone(2) CLONE_PARENT makes the new process a child of the runtime, which
// waits for it; this one sends its pid over `channel` and exits. Returns only in the new process.
// Both share the channel, so what the new process sends may reach the parent before InitPid; with
// `after_pid_sent` it returns only once this one has sent InitPid (a pipe whose write end closes as this one
// exits), for a new process whose next message is not a Log (NetDevicesPlease).
void continue_in_sibling(const sync::Channel& channel, const char* what, bool after_pid_sent = false);

// For a catch (...) block of a forked child: the exception goes to the parent over `channel` with
// `stage` ("init", "process") as its context, and the child exits 1.
[[noreturn]] void report_failure_and_exit(const sync::Channel& channel, const char* stage);

}  // namespace ocirt::init
