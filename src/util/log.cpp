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
    auto now = system_clock::now();
    std::time_t secs = system_clock::to_time_t(now);
    auto nanos = duration_cast<nanoseconds>(now.time_since_epoch()).count() % 1000000000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(nanos));
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
