#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ocirt::test {
namespace fs = std::filesystem;

bool systemd_cgroup_driver() {
    static const bool systemd = [] {
        const char* env = std::getenv("OCIRT_TEST_CGROUP_DRIVER");
        std::string driver = env ? env : "";
        if (driver.empty() || driver == "cgroupfs") return false;
        if (driver == "systemd") return true;
        std::fprintf(stderr, "OCIRT_TEST_CGROUP_DRIVER=%s: must be \"cgroupfs\" or \"systemd\"\n", driver.c_str());
        std::exit(2);
    }();
    return systemd;
}

std::string systemd_cgroups_path(const std::string& cgroups_path) {
    if (cgroups_path.empty() || cgroups_path.find(':') != std::string::npos) return cgroups_path;
    std::string name;
    for (char c : cgroups_path) {
        if (c == '/') {
            if (!name.empty() && name.back() != '-') name += '-';
        } else {
            // systemd.unit(5): a unit name holds ASCII letters, digits, ":", "-", "_", ".", "\\"; ':' is taken.
            name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
        }
    }
    while (!name.empty() && name.back() == '-') name.pop_back();
    return "system.slice:ocirt:" + name;
}

std::string systemd_scope_of(const std::string& name) { return "ocirt-" + name + ".scope"; }

std::string expected_cgroup(const std::string& cgroups_path) {
    if (!systemd_cgroup_driver()) return cgroups_path;
    const std::string systemd_path = systemd_cgroups_path(cgroups_path);
    return "/system.slice/" + systemd_scope_of(systemd_path.substr(systemd_path.rfind(':') + 1));
}

namespace {

// The runtime under test, run with the systemd driver when OCIRT_TEST_CGROUP_DRIVER=systemd asks for it.
std::vector<std::string> with_driver_flag(std::vector<std::string> argv) {
    if (!systemd_cgroup_driver() || argv.empty() || (argv[0] != ocirt_binary() && argv[0] != runtime_under_test()))
        return argv;
    // A case of the systemd driver itself gives the flag already; a second one is a usage error.
    if (std::find(argv.begin(), argv.end(), "--systemd-cgroup") == argv.end())
        argv.insert(argv.begin() + 1, "--systemd-cgroup");
    return argv;
}

}  // namespace

Result run_program(const std::vector<std::string>& given_argv, const std::string& input) {
    const std::vector<std::string> argv = with_driver_flag(given_argv);
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) throw std::runtime_error("pipe2");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid;
    int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        close(err[0]);
        throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::to_string(rc));
    }
    if (!input.empty()) {
        // A program that fails before it reads its input closes the pipe: write(2) then raises SIGPIPE, which
        // would end this test process. Blocked around the write (and any pending one taken), it is EPIPE.
        sigset_t pipe_signal, previous;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
        ssize_t n = write(in[1], input.data(), input.size());
        (void)n;
        const timespec no_wait{0, 0};
        while (sigtimedwait(&pipe_signal, nullptr, &no_wait) == SIGPIPE) {
        }
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
    close(in[1]);
    Result r;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_count = 2;
    char buf[4096];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            } else {
                (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return r;
}

namespace {

// posix_spawn(3) of `given_argv` (the driver flag added) with the file actions `stdio` sets up.
pid_t spawn_with(const std::vector<std::string>& given_argv, const std::function<void(posix_spawn_file_actions_t*)>& stdio) {
    const std::vector<std::string> argv = with_driver_flag(given_argv);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    stdio(&fa);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid;
    int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::to_string(rc));
    return pid;
}

}  // namespace

pid_t spawn_to_files(const std::vector<std::string>& argv, const std::string& out_file, const std::string& err_file) {
    // stdin is an empty pipe, not /dev/null: crun fchowns a user-namespaced container's stdio to its root,
    // which would change the host's /dev/null.
    int empty_stdin[2];
    if (::pipe2(empty_stdin, O_CLOEXEC) < 0) throw std::runtime_error("pipe2 failed");
    ::close(empty_stdin[1]);
    try {
        pid_t pid = spawn_with(argv, [&](posix_spawn_file_actions_t* fa) {
            posix_spawn_file_actions_adddup2(fa, empty_stdin[0], 0);
            posix_spawn_file_actions_addopen(fa, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            posix_spawn_file_actions_addopen(fa, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        });
        ::close(empty_stdin[0]);
        return pid;
    } catch (...) {
        ::close(empty_stdin[0]);
        throw;
    }
}

PipedProcess spawn_with_pipes(const std::vector<std::string>& argv) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) < 0 || ::pipe2(out, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0)
        throw std::runtime_error("pipe2 failed");
    PipedProcess p;  // closes our ends if the spawn throws
    p.in = in[1];
    p.out = out[0];
    p.err = err[0];
    ::fcntl(p.out, F_SETFL, O_NONBLOCK);
    ::fcntl(p.err, F_SETFL, O_NONBLOCK);
    auto close_child_ends = [&] {
        for (int fd : {in[0], out[1], err[1]}) ::close(fd);
    };
    try {
        p.pid = spawn_with(argv, [&](posix_spawn_file_actions_t* fa) {
            posix_spawn_file_actions_adddup2(fa, in[0], 0);
            posix_spawn_file_actions_adddup2(fa, out[1], 1);
            posix_spawn_file_actions_adddup2(fa, err[1], 2);
        });
    } catch (...) {
        close_child_ends();
        throw;
    }
    close_child_ends();
    return p;
}

pid_t spawn_on_terminal(const std::vector<std::string>& argv, int tty) {
    return spawn_with(argv, [&](posix_spawn_file_actions_t* fa) {
        for (int fd = 0; fd <= 2; ++fd) posix_spawn_file_actions_adddup2(fa, tty, fd);
    });
}

PipedProcess::PipedProcess(PipedProcess&& other) noexcept { *this = std::move(other); }

PipedProcess& PipedProcess::operator=(PipedProcess&& other) noexcept {
    std::swap(pid, other.pid);
    std::swap(in, other.in);
    std::swap(out, other.out);
    std::swap(err, other.err);
    return *this;
}

PipedProcess::~PipedProcess() {
    for (int fd : {in, out, err})
        if (fd >= 0) ::close(fd);
}

namespace {
std::string read_available(int fd) {
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
    return text;
}
}  // namespace

std::string PipedProcess::read_out() { return read_available(out); }
std::string PipedProcess::read_err() { return read_available(err); }

int wait_exit_code(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Result run_program_to_files(const std::vector<std::string>& argv, const std::string& out_file,
                            const std::string& err_file) {
    Result r;
    pid_t pid = spawn_to_files(argv, out_file, err_file);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error("waitpid " + argv[0] + ": " + std::strerror(errno));
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    r.out = read_file(out_file);
    r.err = read_file(err_file);
    return r;
}

std::string source_dir() { return OCIRT_SOURCE_DIR; }

std::string ocirt_binary() {
    const char* env = std::getenv("OCIRT");
    return env && *env ? env : source_dir() + "/build/ocirt";
}

std::string runtime_under_test() {
    const char* env = std::getenv("RUNTIME");
    std::string name = env && *env ? env : "";
    if (name.empty() || name == "ocirt") return ocirt_binary();
    if (name.find('/') != std::string::npos) return name;
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (::access((dir + "/" + name).c_str(), X_OK) == 0) return dir + "/" + name;
    return name;
}

std::string busybox_rootfs() { return source_dir() + "/bundles/busybox/rootfs"; }

TempDir::TempDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl);
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

namespace {

// Tests create mount targets inside the rootfs, so each bundle gets its own tree: directories and symlinks
// are made anew, regular files are hard links (copies across file systems).
void clone_rootfs(const fs::path& from, const fs::path& to) {
    fs::create_directory(to);
    for (const auto& entry : fs::recursive_directory_iterator(from)) {
        fs::path target = to / entry.path().lexically_relative(from);
        if (entry.is_symlink()) {
            fs::create_symlink(fs::read_symlink(entry.path()), target);
        } else if (entry.is_directory()) {
            fs::create_directory(target, entry.path());
        } else {
            std::error_code ec;
            fs::create_hard_link(entry.path(), target, ec);
            if (ec) fs::copy_file(entry.path(), target);
        }
    }
}

}  // namespace

Bundle::Bundle() : dir_("ocirt-bundle") {
    config = nlohmann::json::parse(read_file(source_dir() + "/bundles/busybox/config.json"));
    clone_rootfs(busybox_rootfs(), fs::path(path()) / "rootfs");
    config["root"]["path"] = "rootfs";
}

void Bundle::write() const {
    if (systemd_cgroup_driver() && systemd_path_rewrite && config.contains("linux") &&
        config["linux"].contains("cgroupsPath") && config["linux"]["cgroupsPath"].is_string()) {
        nlohmann::json rewritten = config;
        rewritten["linux"]["cgroupsPath"] = systemd_cgroups_path(config["linux"]["cgroupsPath"].get<std::string>());
        std::ofstream(path() + "/config.json") << rewritten.dump(2);
        return;
    }
    std::ofstream(path() + "/config.json") << config.dump(2);
}

void Bundle::shell(const std::string& script) { config["process"]["args"] = {"/bin/sh", "-c", script}; }

Ocirt::Ocirt() : root_("ocirt-root") {}

Ocirt::~Ocirt() {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root_.path(), ec))
        run_program({ocirt_binary(), "--root", root_.path(), "delete", "--force", entry.path().filename().string()});
}

Result Ocirt::operator()(std::vector<std::string> args, const std::string& input) const {
    args.insert(args.begin(), {ocirt_binary(), "--root", root_.path()});
    return run_program(args, input);
}

std::string unique_id(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace ocirt::test
