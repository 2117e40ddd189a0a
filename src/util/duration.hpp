#pragma once
// Durations written as Go's time.ParseDuration takes them (runc's `events --interval 5s`): a sequence of
// decimal numbers, each with a unit ns, us, µs, ms, s, m or h ("1.5s", "1m30s", "250ms").
#include <chrono>
#include <string>

namespace ocirt {

// Throws Error naming the text when it is not such a duration.
std::chrono::nanoseconds parse_duration(const std::string& text);

}  // namespace ocirt
