#include "sync/step_log.hpp"

#include <time.h>

#include <cstdio>

#include "sync/fault_point.hpp"
#include "util/log.hpp"

namespace ocirt::sync {

std::string step_line(std::string_view who, std::string_view step) {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    char stamp[48];
    std::snprintf(stamp, sizeof stamp, " t=%lld.%06ld", static_cast<long long>(ts.tv_sec), ts.tv_nsec / 1000);
    return std::string(who) + ": " + std::string(step) + stamp;
}

void log_step(std::string_view who, std::string_view step) {
    if (log::debug_enabled()) log::debug(step_line(who, step));
    fault_point(who, step);
}

}  // namespace ocirt::sync
