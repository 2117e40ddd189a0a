#pragma once
// proc_pid_stat(5): /proc/PID/stat, "pid (comm) state ppid ... starttime ...". comm may hold spaces and
// ')', so the fields after it are counted from the last ')'.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocirt::linux_ {

struct ProcStat {
    std::string comm;         // the command name, without its parentheses
    char state = '?';         // R, S, D, T, Z, X...
    pid_t ppid = 0;
    uint64_t start_time = 0;  // field 22: clock ticks after boot at which the process started
};

// nullopt when `text` does not reach field 22.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
// One open(2) and one read(2) of /proc/PID/stat; nullopt when there is no such process.
std::optional<ProcStat> read_proc_stat(pid_t pid);

}  // namespace ocirt::linux_
