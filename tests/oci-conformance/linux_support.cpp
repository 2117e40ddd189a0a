#include "linux_support.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <spawn.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace ocirt::conformance {

namespace {

bool filesystem_is(const std::string& path, long magic) {
    struct statfs st {};
    return ::statfs(path.c_str(), &st) == 0 && static_cast<long>(st.f_type) == magic;
}

std::string text_of(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "";
    std::stringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    while (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
}

// cgroup v2 renamed blkio to io (cgroup-v2.rst "IO"); the other controllers the cases use kept their names.
std::string v2_name(const std::string& controller) { return controller == "blkio" ? "io" : controller; }

}  // namespace

CreatedContainer::CreatedContainer(const Runtime& runtime, const SpecBundle& bundle) : id(test::unique_id("conf")) {
    bundle.write();
    result = runtime.to_files({"create", "--bundle", bundle.path(), id});
    if (result.exit_code != 0) return;
    auto state = nlohmann::json::parse(runtime({"state", id}).out, nullptr, false);
    if (state.is_object()) pid = state.value("pid", 0);
}

std::string host_namespace(const std::string& type) {
    return std::filesystem::read_symlink("/proc/self/ns/" + type).string();
}

std::map<std::string, std::string> cgroups_of(int pid) {
    std::map<std::string, std::string> found;
    std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
    for (std::string line; std::getline(in, line);) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::string controllers = line.substr(first + 1, second - first - 1), path = line.substr(second + 1);
        if (controllers.empty()) found[""] = path;
        std::stringstream names(controllers);
        for (std::string name; std::getline(names, name, ',');) found[name] = path;
    }
    return found;
}

std::string cgroup_value(const std::string& controller, const std::string& path, const std::string& file) {
    return text_of("/sys/fs/cgroup/" + controller + path + "/" + file);
}

std::string cgroup2_mount() {
    for (const char* candidate : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"})
        if (filesystem_is(candidate, CGROUP2_SUPER_MAGIC)) return candidate;
    return "";
}

bool cgroup_v2_host() { return cgroup2_mount() == "/sys/fs/cgroup"; }

ControllerHierarchy hierarchy_of(const std::string& controller) {
    std::string v1 = "/sys/fs/cgroup/" + controller;
    if (filesystem_is(v1, CGROUP_SUPER_MAGIC)) return {v1, false};
    std::string unified = cgroup2_mount();
    if (unified.empty()) return {};
    std::stringstream listed(text_of(unified + "/cgroup.controllers"));
    for (std::string name; listed >> name;)
        if (name == v2_name(controller)) return {unified, true};
    return {};
}

std::string ControllerCgroup::value(const std::string& file) const { return text_of(directory + "/" + file); }

ControllerCgroup controller_cgroup(int pid, const std::string& controller) {
    ControllerHierarchy hierarchy = hierarchy_of(controller);
    ControllerCgroup found;
    found.v2 = hierarchy.v2;
    found.cgroup = cgroups_of(pid)[hierarchy.v2 ? "" : controller];
    if (!hierarchy.mount_point.empty() && !found.cgroup.empty()) found.directory = hierarchy.mount_point + found.cgroup;
    return found;
}

std::string cgroup_directory(const std::string& controller, const std::string& cgroups_path) {
    std::string mount_point = hierarchy_of(controller).mount_point;
    return mount_point.empty() ? "" : mount_point + test::expected_cgroup(cgroups_path);
}

std::string BlockDevice::numbers() const { return std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev)); }

BlockDevice block_device(const std::string& scheduler) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/sys/block", ec)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());  // loop0 before vda: the same device on every run
    for (const auto& name : names) {
        std::string base = "/sys/block/" + name;
        if (!scheduler.empty() && text_of(base + "/queue/scheduler").find("[" + scheduler + "]") == std::string::npos)
            continue;
        unsigned major_number = 0, minor_number = 0;
        if (std::sscanf(text_of(base + "/dev").c_str(), "%u:%u", &major_number, &minor_number) != 2) continue;
        return {name, makedev(major_number, minor_number)};
    }
    return {};
}

UniqueCgroupsPath::UniqueCgroupsPath() : path("/" + test::unique_id("conformance-cg")) {}

UniqueCgroupsPath::~UniqueCgroupsPath() {
    std::error_code ec;
    for (const auto& hierarchy : std::filesystem::directory_iterator("/sys/fs/cgroup", ec))
        ::rmdir((hierarchy.path().string() + path).c_str());
    ::rmdir(("/sys/fs/cgroup" + path).c_str());  // a cgroup v2 host: /sys/fs/cgroup is the one hierarchy
}

test::Result run_with_open_fds(const std::vector<std::string>& argv, int extra_fds, const std::string& output_dir) {
    std::string out = output_dir + "/fds.out", err = output_dir + "/fds.err";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (int fd = 3; fd < 3 + extra_fds; ++fd) posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    test::Result r;
    if (rc != 0) return r;
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = test::read_file(out);
    r.err = test::read_file(err);
    return r;
}

}  // namespace ocirt::conformance
