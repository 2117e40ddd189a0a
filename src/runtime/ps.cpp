#include "runtime/ps.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>

#include <nlohmann/json.hpp>

#include "cgroups/drivers.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

struct ProcessRow {
    std::string uid, pid, ppid, stat, cmd;
};

std::optional<std::string> read_proc(pid_t pid, const char* file) {
    std::string path = "/proc/" + std::to_string(pid) + "/" + file;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) return text;
        text.append(buf, static_cast<size_t>(n));
    }
}

// proc(5) /proc/PID/stat: "pid (comm) state ppid ...", where comm may itself hold spaces and parentheses.
std::optional<ProcessRow> read_row(pid_t pid) {
    auto stat = read_proc(pid, "stat");
    auto status = read_proc(pid, "status");
    auto cmdline = read_proc(pid, "cmdline");
    if (!stat || !status || !cmdline) return std::nullopt;
    size_t open = stat->find('('), close = stat->rfind(')');
    if (open == std::string::npos || close == std::string::npos || close + 2 >= stat->size()) return std::nullopt;
    ProcessRow row;
    row.pid = std::to_string(pid);
    std::string comm = stat->substr(open + 1, close - open - 1);
    std::string rest = stat->substr(close + 2);
    row.stat = rest.substr(0, rest.find(' '));
    size_t ppid_start = rest.find(' ') + 1;
    row.ppid = rest.substr(ppid_start, rest.find(' ', ppid_start) - ppid_start);
    size_t uid_line = status->find("\nUid:\t");
    row.uid = uid_line == std::string::npos ? "?" : status->substr(uid_line + 6, status->find('\t', uid_line + 6) - uid_line - 6);
    std::string cmd = *cmdline;
    while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    row.cmd = cmd.empty() ? "[" + comm + "]" : cmd;
    return row;
}

}  // namespace

std::vector<pid_t> container_pids(const std::string& root, const std::string& id) {
    state::Container container = state::Store(root).open_unlocked(id);
    if (!container.has_record()) throw container.no_record_error();
    state::Record record = container.load();
    std::vector<pid_t> pids = cgroups::open_recorded(record.cgroup)->pids();
    std::sort(pids.begin(), pids.end());
    pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
    return pids;
}

std::string format_pids_json(const std::vector<pid_t>& pids) { return nlohmann::json(pids).dump() + "\n"; }

std::string format_pids_table(const std::vector<pid_t>& pids) {
    std::vector<ProcessRow> rows = {{"UID", "PID", "PPID", "STAT", "CMD"}};
    for (pid_t pid : pids)
        if (auto row = read_row(pid)) rows.push_back(std::move(*row));
    size_t widths[4] = {};
    for (const auto& r : rows) {
        const std::string* cells[4] = {&r.uid, &r.pid, &r.ppid, &r.stat};
        for (int i = 0; i < 4; ++i) widths[i] = std::max(widths[i], cells[i]->size());
    }
    std::string text;
    for (const auto& r : rows) {
        const std::string* cells[4] = {&r.uid, &r.pid, &r.ppid, &r.stat};
        for (int i = 0; i < 4; ++i) text += *cells[i] + std::string(widths[i] - cells[i]->size() + 3, ' ');
        text += r.cmd + "\n";
    }
    return text;
}

}  // namespace ocirt::runtime
