#include "linux_support.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace ocirt::conformance {

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
    std::ifstream in("/sys/fs/cgroup/" + controller + path + "/" + file);
    if (!in) return "";
    std::stringstream text;
    text << in.rdbuf();
    std::string value = text.str();
    while (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
}

UniqueCgroupsPath::UniqueCgroupsPath() : path("/" + test::unique_id("conformance-cg")) {}

UniqueCgroupsPath::~UniqueCgroupsPath() {
    std::error_code ec;
    for (const auto& hierarchy : std::filesystem::directory_iterator("/sys/fs/cgroup", ec))
        ::rmdir((hierarchy.path().string() + path).c_str());
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
