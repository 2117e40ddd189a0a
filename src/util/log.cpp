#include "util/log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace ocirt::log {
namespace {

Options g_options;

void append_line(int fd, const std::string& line) {
    // One write() per line with O_APPEND keeps lines whole when parent and child share the file.
    ssize_t n = ::write(fd, line.data(), line.size());
    (void)n;
}

void write_to_file(const std::string& line) {
    int fd = ::open(g_options.file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    append_line(fd, line);
    ::close(fd);
}

}  // namespace

void configure(const Options& options) { g_options = options; }
const Options& options() { return g_options; }
bool debug_enabled() { return g_options.debug; }

std::string_view level_name(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warning: return "warning";
        case Level::error: return "error";
    }
    return "info";
}

std::string rfc3339_now() {
    using namespace std::chrono;
    // Calendar arithmetic on UTC rather than gmtime_r(3): glibc reads /etc/localtime on its first call.
    auto now = system_clock::now();
    auto day = floor<days>(now);
    year_month_day date{day};
    hh_mm_ss time{floor<nanoseconds>(now - day)};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%09lldZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<long long>(time.hours().count()), static_cast<long long>(time.minutes().count()),
                  static_cast<long long>(time.seconds().count()), static_cast<long long>(time.subseconds().count()));
    return buf;
}

void write(Level level, std::string_view msg) {
    if (level == Level::debug && !g_options.debug) return;
    bool to_stderr = level == Level::error || g_options.file.empty();
    if (to_stderr) {
        std::string line = level == Level::error ? std::string(msg) : std::string(level_name(level)) + ": " + std::string(msg);
        line += '\n';
        append_line(STDERR_FILENO, line);
    }
    if (g_options.file.empty()) return;
    std::string line;
    if (g_options.format == Format::json) {
        nlohmann::json j = {{"level", level_name(level)}, {"msg", msg}, {"time", rfc3339_now()}};
        line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    } else {
        line = "time=\"" + rfc3339_now() + "\" level=" + std::string(level_name(level)) + " msg=" +
               nlohmann::json(std::string(msg)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    write_to_file(line);
}

}  // namespace ocirt::log
