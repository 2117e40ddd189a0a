#pragma once
// Signal names as `kill` takes them, and signalling a container's init without pid reuse races.
#include <chrono>
#include <string>

#include "state/record.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {

// "TERM", "sigterm", "SIGTERM", "15", "RTMIN+3": a name with or without SIG in any case, or a number
// (runc accepts the same). Throws Error "unknown signal \"X\"".
int parse_signal(const std::string& text);
// "SIGTERM", "SIGRTMIN+3", or the number when the signal has no name.
std::string signal_name(int sig);

// The init's pidfd, opened and then checked against the recorded start time; empty when the recorded
// process is gone or the pid now names another one.
UniqueFd open_init_pidfd(const state::Record& record);
// pidfd_send_signal(2) to the record's init, through a pidfd opened and then checked against the recorded
// start time, so a reused pid is never signalled. False when the init is gone.
bool signal_init(const state::Record& record, int sig);
// Polls the init's pidfd until it has exited (it polls readable then, pidfd_open(2)); true if it has.
bool wait_init_exit(const state::Record& record, std::chrono::milliseconds timeout);

}  // namespace ocirt::runtime
