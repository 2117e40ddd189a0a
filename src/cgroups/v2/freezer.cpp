#include "cgroups/v2/freezer.hpp"

#include <unistd.h>

#include "cgroups/file_io.hpp"
#include "cgroups/poll.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {

bool cgroup2_frozen(const std::string& dir) {
    auto events = try_read_text(dir + "/cgroup.events");
    return events && events->find("frozen 1") != std::string::npos;
}

bool cgroup2_can_freeze(const std::string& dir) { return ::access((dir + "/cgroup.freeze").c_str(), F_OK) == 0; }

void set_cgroup2_frozen(const std::string& dir, bool frozen) {
    write_text(dir + "/cgroup.freeze", frozen ? "1" : "0");
    if (frozen && !poll_until(
                      [&] { return !try_read_text(dir + "/cgroup.events") || cgroup2_frozen(dir); },
                      kFreezeTimeout))
        throw Error("cgroup " + ocirt::quoted(dir) + " did not freeze in time");
}

bool cgroup2_can_kill(const std::string& dir) { return ::access((dir + "/cgroup.kill").c_str(), F_OK) == 0; }

void cgroup2_kill(const std::string& dir) { write_text(dir + "/cgroup.kill", "1"); }

}  // namespace ocirt::cgroups
