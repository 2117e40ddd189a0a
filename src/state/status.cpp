#include <fcntl.h>
#include <unistd.h>

#include <sstream>

#include "cgroups/drivers.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::state {
namespace {

struct ProcStat {
    char state = 0;
    uint64_t start_time = 0;
};

// proc(5) /proc/PID/stat: "pid (comm) state ppid ... starttime(22) ..."; comm may hold spaces and ')',
// so the fields are counted from the last ')'.
bool read_proc_stat(pid_t pid, ProcStat& out) {
    if (pid <= 0) return false;
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return false;
    char buf[1024];
    ssize_t n = ::read(fd.get(), buf, sizeof buf - 1);
    if (n <= 0) return false;
    std::string text(buf, static_cast<size_t>(n));
    auto close_paren = text.rfind(')');
    if (close_paren == std::string::npos) return false;
    std::istringstream in(text.substr(close_paren + 1));
    std::string field;
    for (int index = 3; in >> field; ++index) {
        if (index == 3) out.state = field.empty() ? 0 : field[0];
        if (index == 22) {
            out.start_time = std::stoull(field);
            return true;
        }
    }
    return false;
}

bool frozen(const Record& record) {
    if (record.cgroup.empty()) return false;
    try {
        return cgroups::open_recorded(record.cgroup)->frozen();
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

uint64_t process_start_time(pid_t pid) {
    ProcStat st;
    return read_proc_stat(pid, st) ? st.start_time : 0;
}

bool process_alive(pid_t pid) {
    ProcStat st;
    return read_proc_stat(pid, st) && st.state != 'Z' && st.state != 'X';
}

Status derive_status(const Record& record, const std::string& container_dir) {
    ProcStat st;
    if (!read_proc_stat(record.pid, st)) return Status::stopped;
    if (st.start_time != record.pid_start_time) return Status::stopped;
    if (st.state == 'Z' || st.state == 'X') return Status::stopped;
    if (::access((container_dir + "/exec.fifo").c_str(), F_OK) == 0) return Status::created;
    if (frozen(record)) return Status::paused;
    return Status::running;
}

}  // namespace ocirt::state
