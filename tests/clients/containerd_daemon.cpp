#include "containerd_daemon.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ocirt::clients {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> split_words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> words;
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

// Every cgroup (v1 and v2) mount point.
std::vector<std::string> cgroup_mounts() {
    std::vector<std::string> found;
    for (const auto& m : mounts())
        if (m.fstype == "cgroup" || m.fstype == "cgroup2") found.push_back(m.point);
    return found;
}

std::vector<std::string> cmdline(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/cmdline");
    std::vector<std::string> args;
    for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
    return args;
}

// Live shim processes of namespace `ns` (a zombie has an empty cmdline).
std::vector<pid_t> shims_of(const std::string& ns) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        auto args = cmdline(name);
        if (args.empty() || fs::path(args[0]).filename().string().rfind("containerd-shim", 0) != 0) continue;
        for (size_t i = 0; i + 1 < args.size(); ++i)
            if (args[i] == "-namespace" && args[i + 1] == ns) found.push_back(std::stoi(name));
    }
    return found;
}

std::string runtime_root(const std::string& ns) { return "/run/containerd/runc/" + ns; }

void write_config(const std::string& dir) {
    std::ofstream config(dir + "/config.toml");
    config << "version = 2\n"
           << "root = \"" << dir << "/root\"\n"
           << "state = \"" << dir << "/state\"\n"
           << "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
           << "[grpc]\n  address = \"" << dir << "/containerd.sock\"\n"
           << "[ttrpc]\n  address = \"" << dir << "/containerd.sock.ttrpc\"\n"
           << "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" << dir << "/opt\"\n";
    if (!config) throw std::runtime_error("cannot write " + dir + "/config.toml");
}

// containerd in its own session, stdin /dev/null, output to `log`, no fds above 2 (the test process may
// have inherited some, and they would reach the shims and the runtime).
pid_t spawn_daemon(const std::string& config, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID);
    std::string binary = find_program("containerd");
    std::vector<std::string> argv = {binary, "--config", config};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, binary.c_str(), &actions, &attributes, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (rc != 0) throw std::runtime_error("posix_spawn containerd: " + std::to_string(rc));
    return pid;
}

bool exited(pid_t pid) {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

ContainerdDaemon& ContainerdDaemon::storage() {
    // Constructed before start() makes the image (image_tarball's statics), so destroyed after them: the
    // destructor's failure exit skips nothing.
    static ContainerdDaemon daemon;
    return daemon;
}

ContainerdDaemon& ContainerdDaemon::instance() {
    auto& daemon = storage();
    if (daemon.dir_.empty()) daemon.start();
    return daemon;
}

ContainerdDaemon* ContainerdDaemon::running() {
    auto& daemon = storage();
    return daemon.dir_.empty() ? nullptr : &daemon;
}

void ContainerdDaemon::start() {
    ns_ = "ocirt-it-" + std::to_string(::getpid());
    std::string tmpl = (fs::temp_directory_path() / "ocirt-ctd-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl);
    dir_ = tmpl;
    try {
        write_config(dir_);
        pid_ = spawn_daemon(dir_ + "/config.toml", dir_ + "/containerd.log");
        bool up = eventually([&] { return exited(pid_) ? (pid_ = -1, true) : ctr({"version"}).exit_code == 0; });
        if (!up || pid_ < 0)
            throw std::runtime_error("containerd did not start:\n" + test::read_file(dir_ + "/containerd.log"));
        auto imported = ctr({"images", "import", image_tarball()});
        if (imported.exit_code != 0) throw std::runtime_error("ctr images import: " + imported.err);
    } catch (...) {
        stop();
        throw;
    }
}

std::vector<std::string> ContainerdDaemon::ctr_argv(const std::vector<std::string>& args) const {
    static const std::string binary = find_program("ctr");
    std::vector<std::string> argv = {binary, "--address", socket(), "-n", ns_};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

test::Result ContainerdDaemon::ctr(const std::vector<std::string>& args) const {
    return test::run_program(ctr_argv(args));
}

std::vector<std::string> ContainerdDaemon::run_flags() const {
    return {"--fifo-dir", dir_ + "/fifo", "--runc-binary", runtime_binary()};
}

std::vector<std::string> ContainerdDaemon::exec_flags() const { return {"--fifo-dir", dir_ + "/fifo"}; }

TaskInfo ContainerdDaemon::task(const std::string& id) const {
    auto listed = ctr({"task", "ls"});
    std::istringstream rows(listed.out);
    for (std::string row; std::getline(rows, row);) {
        auto columns = split_words(row);
        if (columns.size() == 3 && columns[0] == id) return {static_cast<pid_t>(std::stoi(columns[1])), columns[2]};
    }
    return {};
}

void ContainerdDaemon::remove_container(const std::string& id) const {
    // A frozen process cannot die, and `task rm -f` would wait for it.
    if (task(id).status == "PAUSED") ctr({"task", "resume", id});
    ctr({"task", "kill", "--all", "-s", "KILL", id});
    ctr({"task", "rm", "-f", id});
    ctr({"containers", "rm", id});
}

std::vector<std::string> ContainerdDaemon::stop() {
    if (dir_.empty()) return {};
    std::vector<std::string> left;
    if (pid_ > 0) {
        for (const auto& id : split_words(ctr({"containers", "ls", "-q"}).out)) {
            left.push_back("container " + id + " (its test did not remove it)");
            remove_container(id);
        }
        ::kill(pid_, SIGTERM);
        if (!eventually([&] { return exited(pid_); }, 10s)) {
            left.push_back("containerd " + std::to_string(pid_) + " ignored SIGTERM");
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
    }
    // A shim exits once containerd has deleted its last task.
    if (!eventually([&] { return shims_of(ns_).empty(); }, 10s))
        for (pid_t shim : shims_of(ns_)) {
            left.push_back("containerd-shim " + std::to_string(shim) + " of namespace " + ns_);
            ::kill(shim, SIGKILL);
        }
    for (const auto& point : mounts_under(dir_)) {
        left.push_back("mount " + point);
        if (::umount2(point.c_str(), 0) != 0) ::umount2(point.c_str(), MNT_DETACH);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
    // The shim puts each container's cgroup under <ns> (cgroupsPath /<ns>/<id>) and leaves <ns> itself.
    for (const auto& mount : cgroup_mounts()) {
        fs::path parent = fs::path(mount) / ns_;
        for (const auto& entry : fs::directory_iterator(parent, ec))
            if (entry.is_directory(ec)) left.push_back("cgroup " + entry.path().string());
        if (fs::exists(parent, ec)) remove_cgroup_tree(parent);
    }
    for (const auto& entry : fs::directory_iterator(runtime_root(ns_), ec))
        left.push_back("runtime state " + entry.path().string());
    fs::remove_all(runtime_root(ns_), ec);

    // What cleaning could not remove.
    for (pid_t shim : shims_of(ns_)) left.push_back("containerd-shim " + std::to_string(shim) + " still running");
    for (const auto& point : mounts_under(dir_)) left.push_back("mount " + point + " still there");
    for (const auto& mount : cgroup_mounts())
        if (fs::exists(fs::path(mount) / ns_, ec)) left.push_back("cgroup " + mount + "/" + ns_ + " still there");
    if (fs::exists(runtime_root(ns_), ec)) left.push_back(runtime_root(ns_) + " still there");
    if (fs::exists(dir_, ec)) left.push_back(dir_ + " still there");
    dir_.clear();
    return left;
}

ContainerdDaemon::~ContainerdDaemon() {
    stop_or_fail_run("containerd", [this] { return stop(); });
}

}  // namespace ocirt::clients
