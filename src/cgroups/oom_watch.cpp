#include "cgroups/oom_watch.hpp"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "cgroups/file_io.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

uint64_t oom_kills_in(const std::string& events_file) {
    std::istringstream in(try_read_text(events_file).value_or(""));
    std::string key;
    uint64_t value = 0;
    while (in >> key >> value)
        if (key == "oom_kill") return value;
    return 0;
}

}  // namespace

std::optional<OomWatch> OomWatch::open(const std::vector<Placement>& placements) {
    if (const auto* p = v1_placement_with(placements, "memory")) return open_v1(p->directory());
    if (const auto* u = unified_placement(placements); u && ::access((u->directory() + "/memory.events").c_str(), F_OK) == 0)
        return open_v2(u->directory());
    return std::nullopt;
}

OomWatch OomWatch::open_v1(const std::string& memory_dir) {
    OomWatch w;
    w.dir_ = memory_dir;
    w.fd_.reset(::eventfd(0, EFD_CLOEXEC));
    if (!w.fd_) throw SysError("eventfd");
    std::string control = memory_dir + "/memory.oom_control";
    w.control_.reset(::open(control.c_str(), O_RDONLY | O_CLOEXEC));
    if (!w.control_) throw SysError("open " + ocirt::quoted(control));
    // cgroup-v1 memory.rst "OOM Control": write "<event_fd> <fd of memory.oom_control>" to cgroup.event_control.
    write_text(memory_dir + "/cgroup.event_control",
               std::to_string(w.fd_.get()) + " " + std::to_string(w.control_.get()));
    return w;
}

OomWatch OomWatch::open_v2(const std::string& cgroup_dir) {
    OomWatch w;
    w.v2_ = true;
    w.dir_ = cgroup_dir;
    w.fd_.reset(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
    if (!w.fd_) throw SysError("inotify_init1");
    std::string events = cgroup_dir + "/memory.events";
    if (::inotify_add_watch(w.fd_.get(), events.c_str(), IN_MODIFY) < 0)
        throw SysError("inotify_add_watch " + ocirt::quoted(events));
    w.last_kills_ = oom_kills_in(events);
    return w;
}

uint64_t OomWatch::take() {
    if (v2_) {
        char buf[4096];
        while (::read(fd_.get(), buf, sizeof buf) > 0) {
        }
        uint64_t kills = oom_kills_in(dir_ + "/memory.events");
        uint64_t fresh = kills > last_kills_ ? kills - last_kills_ : 0;
        last_kills_ = kills;
        return fresh;
    }
    uint64_t count = 0;
    ssize_t n;
    do {
        n = ::read(fd_.get(), &count, sizeof count);
    } while (n < 0 && errno == EINTR);
    if (n != sizeof count) throw SysError("read the OOM eventfd");
    // The eventfd is also signalled when the cgroup is removed (cgroup-v1 memory.rst).
    if (::access((dir_ + "/memory.oom_control").c_str(), F_OK) != 0) return 0;
    return count;
}

}  // namespace ocirt::cgroups
