#include "leftovers.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "container_helpers.hpp"

namespace ocirt::test {
namespace fs = std::filesystem;

namespace {

// proc(5) /proc/PID/stat: the state is the first field after the last ')'.
char process_state(pid_t pid) {
    std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return 0;
    return stat[close + 2];
}

}  // namespace

bool process_is_zombie_or_gone(pid_t pid) {
    char state = process_state(pid);
    return state == 0 || state == 'Z' || state == 'X';
}

bool process_in_cgroup_of(pid_t pid, const std::string& id) {
    std::string cgroups = read_file("/proc/" + std::to_string(pid) + "/cgroup");
    return cgroups.find(id) != std::string::npos;
}

std::vector<pid_t> live_processes_of(const std::string& id) {
    return processes_where([&](pid_t pid) {
        return !process_is_zombie_or_gone(pid) &&
               (process_in_cgroup_of(pid, id) ||
                read_file("/proc/" + std::to_string(pid) + "/cmdline").find(id) != std::string::npos);
    });
}

std::vector<std::string> leftovers_of(const std::string& id, const std::string& state_dir,
                                      const std::vector<std::string>& host_paths) {
    std::vector<std::string> found;
    std::error_code ec;
    if (fs::exists(state_dir, ec)) found.push_back("state dir " + state_dir);
    for (const auto& dir : cgroups_named(id)) found.push_back("cgroup " + dir);
    for (pid_t pid : live_processes_of(id))
        found.push_back("process " + std::to_string(pid) + " (" + read_file("/proc/" + std::to_string(pid) + "/comm") + ")");
    std::string mountinfo = read_file("/proc/self/mountinfo");
    size_t start = 0;
    while (start < mountinfo.size()) {
        size_t end = mountinfo.find('\n', start);
        if (end == std::string::npos) end = mountinfo.size();
        std::string line = mountinfo.substr(start, end - start);
        for (const auto& path : host_paths)
            if (!path.empty() && line.find(path) != std::string::npos) found.push_back("mount " + line);
        start = end + 1;
    }
    return found;
}

void write_sleeping_bundle(Bundle& bundle) {
    bundle.config["process"]["args"] = {"sleep", "100"};
    bundle.config["process"]["terminal"] = false;
    bundle.write();
}

}  // namespace ocirt::test
