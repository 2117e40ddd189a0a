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

bool systemd_booted() { return std::filesystem::is_directory("/run/systemd/system"); }

bool unified_cgroup_host() { return cgroup2_mount() == "/sys/fs/cgroup"; }

bool clients_default_to_systemd() { return systemd_booted() && unified_cgroup_host(); }

std::string cgroup2_mount() {
    for (const auto& m : mounts())
        if (m.fstype == "cgroup2" && m.point.rfind("/sys/fs/cgroup", 0) == 0) return m.point;
    return "";
}

std::string v2_cgroup_path(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/cgroup");
    for (std::string line; std::getline(file, line);)
        if (line.rfind("0::", 0) == 0) return line.substr(3);
    return "";
}

bool v1_controller(const std::string& controller) {
    for (const auto& m : mounts())
        if (m.fstype == "cgroup" &&
            std::find(m.super_options.begin(), m.super_options.end(), controller) != m.super_options.end())
            return true;
    return false;
}

std::string controller_dir(pid_t pid, const std::string& controller) {
    if (v1_controller(controller)) return v1_cgroup_dir(pid, controller);
    std::string mount = cgroup2_mount(), path = v2_cgroup_path(pid);
    if (mount.empty() || path.empty()) return "";
    std::string dir = mount + (path == "/" ? "" : path);
    // The freezer is cgroup.freeze in every non-root cgroup, not a controller of cgroup.controllers.
    if (controller == "freezer") return dir;
    std::stringstream enabled(test::read_file(dir + "/cgroup.controllers"));
    for (std::string name; enabled >> name;)
        if (name == controller) return dir;
    return "";
}

std::string limit_file(pid_t pid, const std::string& controller, const std::string& v1_file,
                       const std::string& v2_file) {
    std::string dir = controller_dir(pid, controller);
    INFO("no ", controller, " cgroup (v1 or v2) for pid ", pid);
    REQUIRE(!dir.empty());
    return trimmed(test::read_file(dir + "/" + (v1_controller(controller) ? v1_file : v2_file)));
}

std::string freezer_state(pid_t pid) {
    if (v1_controller("freezer")) return cgroup_file(pid, "freezer", "freezer.state");
    std::string events = limit_file(pid, "freezer", "", "cgroup.events");
    if (events.find("\nfrozen 1") != std::string::npos || events.rfind("frozen 1", 0) == 0) return "FROZEN";
    if (events.find("\nfrozen 0") != std::string::npos || events.rfind("frozen 0", 0) == 0) return "THAWED";
    return "cgroup.events without a frozen key: " + events;
}

std::string unit_properties(const std::string& unit, const std::vector<std::string>& properties, bool user) {
    std::vector<std::string> argv{find_program("systemctl")};
    if (user) argv.push_back("--user");
    argv.insert(argv.end(), {"show", "--no-pager", "--property"});
    std::string names;
    for (const auto& p : properties) names += (names.empty() ? "" : ",") + p;
    argv.insert(argv.end(), {names, unit});
    auto shown = test::run_program(argv);
    INFO("systemctl show ", unit, ": ", shown.err);
    REQUIRE(shown.exit_code == 0);
    // systemctl prints the properties in its own order; sorted, a comparison reads the same every time.
    std::vector<std::string> lines;
    std::stringstream in(shown.out);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
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
