#include "cgroup_paths.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <sstream>
#include <vector>

#include "harness.hpp"

namespace ocirt::test {
namespace {

struct CgroupMountEntry {
    std::string mount_point;
    std::string fstype;                 // "cgroup" or "cgroup2"
    std::vector<std::string> options;   // the super options: a v1 hierarchy's controllers among them
};

std::vector<std::string> split_on(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, sep);) out.push_back(part);
    return out;
}

// proc(5) "mountinfo": "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER".
std::vector<CgroupMountEntry> cgroup_mount_table() {
    std::vector<CgroupMountEntry> out;
    std::istringstream lines(read_file("/proc/self/mountinfo"));
    for (std::string line; std::getline(lines, line);) {
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto before = split_on(line.substr(0, dash), ' ');
        auto after = split_on(line.substr(dash + 3), ' ');
        if (before.size() < 5 || after.size() < 3 || (after[0] != "cgroup" && after[0] != "cgroup2")) continue;
        out.push_back({before[4], after[0], split_on(after[2], ',')});
    }
    return out;
}

bool listed_in(const std::vector<std::string>& list, const std::string& word) {
    for (const auto& w : list)
        if (w == word) return true;
    return false;
}

// A /proc/PID/cgroup line "ID:CONTROLLERS:PATH" whose controller list has `controller` ("" for cgroup2's "0::").
std::string cgroup_path_of(pid_t pid, const std::string& controller) {
    for (const auto& line : split_on(read_file("/proc/" + std::to_string(pid) + "/cgroup"), '\n')) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::string list = line.substr(first + 1, second - first - 1);
        bool match = controller.empty() ? line.compare(0, 3, "0::") == 0 : listed_in(split_on(list, ','), controller);
        if (match) return line.substr(second + 1);
    }
    return "";
}

std::string joined_path(const std::string& mount_point, const std::string& cgroup) {
    return cgroup == "/" ? mount_point : mount_point + cgroup;
}

}  // namespace

std::string cgroup2_mount() {
    for (const auto& m : cgroup_mount_table())
        if (m.fstype == "cgroup2") return m.mount_point;
    return "";
}

std::string v1_mount(const std::string& controller) {
    for (const auto& m : cgroup_mount_table())
        if (m.fstype == "cgroup" && listed_in(m.options, controller)) return m.mount_point;
    return "";
}

bool has_v1_hierarchy() {
    for (const auto& m : cgroup_mount_table())
        if (m.fstype == "cgroup") return true;
    return false;
}

std::vector<std::string> hierarchy_mounts() {
    std::vector<std::string> v1, v2;
    for (const auto& m : cgroup_mount_table()) (m.fstype == "cgroup" ? v1 : v2).push_back(m.mount_point);
    v1.insert(v1.end(), v2.begin(), v2.end());
    return v1;
}

std::string v1_cgroup_dir(pid_t pid, const std::string& controller) {
    std::string mount = v1_mount(controller);
    std::string path = cgroup_path_of(pid, controller);
    if (mount.empty() || path.empty()) FAIL("pid " << pid << " has no cgroup in a v1 " << controller << " hierarchy");
    return joined_path(mount, path);
}

std::string cgroup2_path(pid_t pid) {
    std::string path = cgroup_path_of(pid, "");
    if (path.empty()) FAIL("pid " << pid << " has no cgroup2 line in /proc/" << pid << "/cgroup");
    return path;
}

std::string cgroup2_inside() {
    std::string mount = cgroup2_mount();
    if (mount.empty() || mount == "/sys/fs/cgroup") return "/sys/fs/cgroup";
    return "/sys/fs/cgroup/" + mount.substr(mount.rfind('/') + 1);
}

std::string cgroup2_dir(pid_t pid) {
    std::string mount = cgroup2_mount();
    if (mount.empty()) FAIL("this host has no cgroup2 mount");
    return joined_path(mount, cgroup2_path(pid));
}

std::string lacking_v1(std::initializer_list<const char*> controllers) {
    if (!has_v1_hierarchy()) return "no cgroup v1 hierarchy on this host (cgroup2 only)";
    for (const char* controller : controllers)
        if (v1_mount(controller).empty()) return std::string("no cgroup v1 ") + controller + " hierarchy on this host";
    return "";
}

std::string lacking_v2(std::initializer_list<const char*> controllers) {
    std::string mount = cgroup2_mount();
    if (mount.empty()) return "no cgroup2 mount on this host";
    auto available = split_on(cgroup_file(mount + "/cgroup.controllers"), ' ');
    for (const char* controller : controllers)
        if (!listed_in(available, controller))
            return "the cgroup2 mount " + mount + " does not own the " + controller + " controller" +
                   (v1_mount(controller).empty() ? std::string() : " (a v1 hierarchy has it here)");
    return "";
}

std::string lacking_v2_freezer() {
    std::string mount = cgroup2_mount();
    if (mount.empty()) return "no cgroup2 mount on this host";
    if (!v1_mount("freezer").empty()) return "this host has a v1 freezer hierarchy, which ocirt freezes and kills through";
    return "";
}

std::string lacking_v2_only_host() {
    std::string mount = cgroup2_mount();
    if (mount != "/sys/fs/cgroup" || has_v1_hierarchy())
        return "not a cgroup2-only host (cgroup2 " + (mount.empty() ? std::string("not mounted") : "at " + mount) +
               (has_v1_hierarchy() ? ", v1 hierarchies beside it" : "") + ")";
    return "";
}

std::string v2_io_weight_file(const std::string& dir) {
    for (const char* file : {"io.bfq.weight", "io.weight"})
        if (::access((dir + "/" + file).c_str(), F_OK) == 0) return file;
    return "";
}

std::string cgroup_file(const std::string& path) {
    std::string text = read_file(path);
    auto first = text.find_first_not_of(" \n\t");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \n\t") - first + 1);
}

}  // namespace ocirt::test
