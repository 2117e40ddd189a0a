#include "clients.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

std::vector<std::string> counting_shell() {
    return {"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/n; mv /tmp/n /tmp/count; sleep 0.05; done"};
}

long counted(const std::string& text) {
    std::string number = trimmed(text);
    return number.empty() ? -1L : std::stol(number);
}

std::vector<std::string> trapping_shell(const std::string& signal, const std::string& action) {
    return {"sh", "-c", "trap '" + action + "' " + signal + "; touch /tmp/ready; while :; do sleep 0.05; done"};
}

bool became_ready(pid_t pid) {
    return eventually([&] { return std::filesystem::exists("/proc/" + std::to_string(pid) + "/root/tmp/ready"); });
}

test::Result run_in_pty(const std::string& command) {
    return test::run_program({"/usr/bin/script", "-qec", command, "/dev/null"});
}

std::string shell_quote(const std::string& word) {
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::string shell_command(const std::vector<std::string>& argv) {
    std::string command;
    for (const auto& arg : argv) command += (command.empty() ? "" : " ") + shell_quote(arg);
    return command;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

std::string find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    throw std::runtime_error(name + " is not installed (not found on PATH)");
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

std::string cgroup_file(pid_t pid, const std::string& controller, const std::string& file) {
    std::string dir = v1_cgroup_dir(pid, controller);
    INFO("no v1 ", controller, " cgroup for pid ", pid);
    REQUIRE(!dir.empty());
    return trimmed(test::read_file(dir + "/" + file));
}

void remove_cgroup_tree(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_directory(ec) && !entry.is_symlink(ec)) remove_cgroup_tree(entry.path().string());
    ::rmdir(dir.c_str());
}

namespace {

// /proc/self/mountinfo escapes space, tab, newline and backslash in paths as \ooo.
std::string unescape_mountinfo(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            out.push_back(static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8)));
            i += 3;
        } else {
            out.push_back(field[i]);
        }
    }
    return out;
}

}  // namespace

std::vector<MountEntry> mounts() {
    std::vector<MountEntry> result;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::vector<std::string> fields;
        for (std::string word; words >> word;) fields.push_back(word);
        auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
        MountEntry m{unescape_mountinfo(fields[4]), dash[1], {}};
        std::stringstream options(dash[3]);
        for (std::string option; std::getline(options, option, ',');) m.super_options.push_back(option);
        result.push_back(std::move(m));
    }
    return result;
}

std::vector<std::string> mounts_under(const std::string& dir) {
    std::vector<std::string> found;
    for (const auto& m : mounts())
        if (m.point == dir || m.point.rfind(dir + "/", 0) == 0) found.push_back(m.point);
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return found;
}

std::vector<std::string> processes_naming(const std::string& text) {
    std::vector<std::string> found;
    std::string self = std::to_string(::getpid());
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
        std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
        std::string cmdline = test::read_file("/proc/" + pid + "/cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(text) != std::string::npos) found.push_back(pid + " " + cmdline.substr(0, 160));
    }
    return found;
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

void stop_or_fail_run(const char* fixture, const std::function<std::vector<std::string>()>& stop) {
    std::vector<std::string> left;
    try {
        left = stop();
    } catch (const std::exception& e) {
        left.push_back(std::string("cleanup failed: ") + e.what());
    }
    if (left.empty()) return;
    std::fprintf(stderr, "%s fixture: left behind after the run:\n", fixture);
    for (const auto& item : left) std::fprintf(stderr, "  %s\n", item.c_str());
    std::fflush(stderr);
    std::_Exit(EXIT_FAILURE);
}

}  // namespace ocirt::clients
