#include "plan/terminal_plan.hpp"

#include <limits>

#include "util/error.hpp"

namespace ocirt::plan {
namespace {

uint16_t window_dimension(uint32_t value, const char* pointer) {
    if (value > std::numeric_limits<uint16_t>::max())
        throw ConfigError(pointer, "must be at most 65535 (a terminal's size is an unsigned short)");
    return static_cast<uint16_t>(value);
}

}  // namespace

void plan_terminal(const config::Process& process, ProcessPlan& plan) {
    plan.terminal = process.terminal;
    if (!process.consoleSize) return;
    plan.console_rows = window_dimension(process.consoleSize->height, "/process/consoleSize/height");
    plan.console_columns = window_dimension(process.consoleSize->width, "/process/consoleSize/width");
}

}  // namespace ocirt::plan
