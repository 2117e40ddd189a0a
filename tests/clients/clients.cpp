#include "clients.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ocirt::clients {

const std::string& image_tarball() {
    static test::TempDir dir("clients-image");
    static const std::string path = [] {
        std::string tarball = dir.path() + "/busybox-oci.tar";
        auto made = test::run_program({test::source_dir() + "/tools/mkimage", tarball, kImageName});
        if (made.exit_code != 0) throw std::runtime_error("tools/mkimage failed: " + made.err);
        return tarball;
    }();
    return path;
}

std::string runtime_binary() { return test::runtime_under_test(); }

std::string runtime_name() { return std::filesystem::path(runtime_binary()).filename().string(); }

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return done();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

test::Result run_in_pty(const std::string& command) {
    return test::run_program({"/usr/bin/script", "-qec", command, "/dev/null"});
}

std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string v1_cgroup_dir(pid_t pid, const std::string& controller) {
    std::string path = v1_cgroup_path(pid, controller);
    return path.empty() ? "" : "/sys/fs/cgroup/" + controller + path;
}

std::string v1_cgroup_path(pid_t pid, const std::string& controller) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/cgroup");
    // Lines are "hierarchy-id:controller,controller:path"; cgroup2's line has an empty controller list.
    for (std::string line; std::getline(file, line);) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::stringstream controllers(line.substr(first + 1, second - first - 1));
        for (std::string name; std::getline(controllers, name, ',');)
            if (name == controller) return line.substr(second + 1);
    }
    return "";
}

namespace {
std::vector<std::function<std::vector<std::string>()>>& suite_end_checks() {
    static std::vector<std::function<std::vector<std::string>()>> checks;
    return checks;
}
}  // namespace

void at_suite_end(std::function<std::vector<std::string>()> check) { suite_end_checks().push_back(std::move(check)); }

int run_suite_end_checks() {
    int left = 0;
    auto& checks = suite_end_checks();
    for (auto it = checks.rbegin(); it != checks.rend(); ++it) {
        for (const auto& leftover : (*it)()) {
            std::fprintf(stderr, "clients: left behind: %s\n", leftover.c_str());
            ++left;
        }
    }
    checks.clear();
    return left;
}

}  // namespace ocirt::clients
