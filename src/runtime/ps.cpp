#include "runtime/ps.hpp"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "cgroups/drivers.hpp"
#include "linux/proc_stat.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace ocirt::runtime {
namespace {

struct ProcessRow {
    std::string uid, pid, ppid, stat, cmd;
};

std::optional<ProcessRow> read_row(pid_t pid) {
    std::string dir = "/proc/" + std::to_string(pid) + "/";
    auto stat = linux_::read_proc_stat(pid);
    auto status = try_read_file(dir + "status");
    auto cmdline = try_read_file(dir + "cmdline");
    if (!stat || !status || !cmdline) return std::nullopt;
    ProcessRow row;
    row.pid = std::to_string(pid);
    row.stat = std::string(1, stat->state);
    row.ppid = std::to_string(stat->ppid);
    size_t uid_line = status->find("\nUid:\t");
    row.uid = uid_line == std::string::npos ? "?" : status->substr(uid_line + 6, status->find('\t', uid_line + 6) - uid_line - 6);
    std::string cmd = *cmdline;
    while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    row.cmd = cmd.empty() ? "[" + stat->comm + "]" : cmd;
    return row;
}

}  // namespace

std::vector<pid_t> container_pids(const std::string& root, const std::string& id) {
    state::OpenedContainer c = state::Store(root).open_for_reading(id);
    std::vector<pid_t> pids = cgroups::open_recorded(c.record.cgroup)->pids();
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
