#pragma once
// The runtime's log: errors always go to stderr; with --log they also go to that file, as text or as
// one JSON object per line ({"level","msg","time"}), which containerd's shim and podman read back.
#include <string>
#include <string_view>

namespace ocirt::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

struct Options {
    std::string file;  // empty: stderr only
    Format format = Format::text;
    bool debug = false;
};

void configure(const Options& options);
const Options& options();
void write(Level level, std::string_view msg);
inline void debug(std::string_view m) { write(Level::debug, m); }
inline void info(std::string_view m) { write(Level::info, m); }
inline void warn(std::string_view m) { write(Level::warning, m); }
inline void error(std::string_view m) { write(Level::error, m); }
bool debug_enabled();

std::string_view level_name(Level level);
std::string rfc3339_now();

}  // namespace ocirt::log
