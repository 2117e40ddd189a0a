#include "linux/proc_stat.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    size_t open = text.find('('), close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
    ProcStat stat;
    stat.comm = text.substr(open + 1, close - open - 1);
    std::string_view rest = text.substr(close + 1);
    for (int field = 3; field <= 22; ++field) {
        if (rest.size() < 2 || rest[0] != ' ') return std::nullopt;
        rest.remove_prefix(1);
        std::string_view value = rest.substr(0, rest.find(' '));
        rest.remove_prefix(value.size());
        if (value.empty()) return std::nullopt;
        const char* end = value.data() + value.size();
        if (field == 3) stat.state = value[0];
        if (field == 4 && std::from_chars(value.data(), end, stat.ppid).ptr != end) return std::nullopt;
        if (field == 22 && std::from_chars(value.data(), end, stat.start_time).ptr != end) return std::nullopt;
    }
    return stat;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
    if (pid <= 0) return std::nullopt;
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    // 22 fields of at most 20 digits and a comm of at most 64 bytes fit; later fields do not matter here.
    char buf[1024];
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    return parse_proc_stat(std::string_view(buf, static_cast<size_t>(n)));
}

}  // namespace ocirt::linux_
