#include <unistd.h>

#include "cgroups/drivers.hpp"
#include "linux/proc_stat.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::state {
namespace {

bool exited(char state) { return state == 'Z' || state == 'X'; }

bool cgroup_frozen(const Record& record) {
    if (record.cgroup.empty()) return false;
    try {
        return cgroups::open_recorded(record.cgroup)->frozen();
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

uint64_t process_start_time(pid_t pid) {
    std::optional<linux_::ProcStat> st = linux_::read_proc_stat(pid);
    return st ? st->start_time : 0;
}

bool process_alive(pid_t pid) {
    std::optional<linux_::ProcStat> st = linux_::read_proc_stat(pid);
    return st && !exited(st->state);
}

Status derive_status(const Record& record, const std::string& container_dir) {
    std::optional<linux_::ProcStat> st = linux_::read_proc_stat(record.pid);
    if (!st) return Status::stopped;
    if (st->start_time != record.pid_start_time) return Status::stopped;
    if (exited(st->state)) return Status::stopped;
    if (::access((container_dir + "/exec.fifo").c_str(), F_OK) == 0) return Status::created;
    if (cgroup_frozen(record)) return Status::paused;
    return Status::running;
}

bool OpenedContainer::frozen() const {
    return status == Status::paused || (status == Status::created && cgroup_frozen(record));
}

}  // namespace ocirt::state
