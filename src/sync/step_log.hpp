#pragma once
// Debug lines that mark the steps of create/start, parent and child alike, stamped with
// CLOCK_MONOTONIC (clock_gettime(2): one clock for every process on the host), so a per-step timeline
// can be built from a --debug log: "init: pivot_root t=12345.678901".
#include <string>
#include <string_view>

namespace ocirt::sync {

std::string step_line(std::string_view who, std::string_view step);
void log_step(std::string_view who, std::string_view step);  // log::debug in this process, then fault_point

}  // namespace ocirt::sync
