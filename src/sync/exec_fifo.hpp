#pragma once
// What the init writes into exec.fifo once `start` opened it: kStarted when the startContainer hooks
// succeeded and it goes on to exec, or kStartFailed followed by the error text, then it exits.
#include <string>

namespace ocirt::sync {

constexpr char kStarted = '0';
constexpr char kStartFailed = '1';

// Init side: kStartFailed and `text`; errors are ignored, the init exits next anyway.
void write_start_failure(int fifo_fd, const std::string& text) noexcept;
// `start` side, after kStartFailed: the rest of the fifo up to its end (O_NONBLOCK fd, polled).
std::string read_start_failure(int fifo_fd);

}  // namespace ocirt::sync
