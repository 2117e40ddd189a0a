#include "exec_helpers.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>

extern char** environ;

namespace ocirt::test {
namespace fs = std::filesystem;

RunningContainer::RunningContainer(const Ocirt& ocirt, Bundle& bundle, const std::string& prefix,
                                   const std::vector<std::string>& extra_args)
    : files_("ocirt-running"), id_(unique_id(prefix)) {
    bundle.write();
    std::string pid_file = files_.path() + "/pid";
    std::vector<std::string> args = {ocirt_binary(), "--root", ocirt.root(), "run", "-d", "--bundle", bundle.path(),
                                     "--pid-file", pid_file};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    args.push_back(id_);
    Result run = run_program_to_files(args, files_.path() + "/out", files_.path() + "/err");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    pid_ = std::stoi(read_file(pid_file));
}

ConsoleReceiver::ConsoleReceiver() : dir_("ocirt-console") {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listener_ < 0) throw std::runtime_error("socket");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string p = path();
    std::memcpy(address.sun_path, p.c_str(), p.size() + 1);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 || ::listen(listener_, 4) < 0)
        throw std::runtime_error("bind/listen " + p);
}

ConsoleReceiver::~ConsoleReceiver() { ::close(listener_); }

int ConsoleReceiver::receive_master(std::string& payload) {
    pollfd ready{listener_, POLLIN, 0};
    if (::poll(&ready, 1, 10000) != 1) return -1;
    int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) return -1;
    char buffer[4096];
    iovec iov{buffer, sizeof buffer};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(connection, &msg, MSG_CMSG_CLOEXEC);
    ::close(connection);
    if (n < 0) return -1;
    payload.assign(buffer, static_cast<size_t>(n));
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) return -1;
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
    return fd;
}

namespace {

// Appends what the master has within `timeout_ms`; false on EOF/EIO (pty(7): the last slave fd closed).
bool read_some(int master, std::string& out, int timeout_ms) {
    pollfd ready{master, POLLIN, 0};
    if (::poll(&ready, 1, timeout_ms) != 1) return false;
    char buf[4096];
    ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) return false;
    for (ssize_t i = 0; i < n; ++i)
        if (buf[i] != '\r') out.push_back(buf[i]);
    return true;
}

}  // namespace

void send_line(int master, const std::string& line) {
    std::string typed = line + "\n";
    REQUIRE(::write(master, typed.data(), typed.size()) == static_cast<ssize_t>(typed.size()));
}

std::string converse(int master, const std::string& command, const std::string& marker) {
    send_line(master, command);
    std::string out;
    while (out.find(marker) == std::string::npos)
        if (!read_some(master, out, 10000)) break;
    return out;
}

std::string read_until_hangup(int master) {
    std::string out;
    while (read_some(master, out, 10000)) {
    }
    return out;
}

std::vector<int> open_fds(pid_t pid) {
    std::vector<int> fds;
    for (const auto& entry : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        fds.push_back(std::stoi(entry.path().filename().string()));
    std::sort(fds.begin(), fds.end());
    return fds;
}

namespace {

// Async-signal-safe decimal, for the forked child (it may only call what signal-safety(7) lists).
void write_decimal(char* out, long value) {
    char digits[24];
    int n = 0;
    do digits[n++] = static_cast<char>('0' + value % 10);
    while ((value /= 10) > 0);
    while (n > 0) *out++ = digits[--n];
    *out = '\0';
}

}  // namespace

pid_t spawn_ocirt(const Ocirt& ocirt, const Spawn& spawn) {
    std::vector<std::string> argv = {ocirt_binary(), "--root", ocirt.root()};
    argv.insert(argv.end(), spawn.args.begin(), spawn.args.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e)
        if (std::strncmp(*e, "LISTEN_", 7) != 0) env_strings.push_back(*e);
    if (spawn.listen_fds >= 0) env_strings.push_back("LISTEN_FDS=" + std::to_string(spawn.listen_fds));
    std::vector<char*> env;
    for (auto& e : env_strings) env.push_back(e.data());
    char listen_pid[48] = "LISTEN_PID=";
    constexpr size_t kPidAt = sizeof "LISTEN_PID=" - 1;
    if (spawn.listen_fds >= 0) env.push_back(listen_pid);
    env.push_back(nullptr);

    auto open_cloexec = [](const std::string& path, int flags) {
        int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
        if (fd < 0) throw std::runtime_error("open " + path);
        return fd;
    };
    // Every source fd sits at 100 and above, so that placing them on 0.. never overwrites one still needed.
    std::vector<std::pair<int, int>> moves;  // (source, target)
    auto add = [&](int fd, int target) {
        int high = ::fcntl(fd, F_DUPFD_CLOEXEC, 100);
        ::close(fd);
        moves.emplace_back(high, target);
    };
    if (!spawn.tty.empty()) {
        for (int target : {0, 1, 2}) add(open_cloexec(spawn.tty, O_RDWR | O_NOCTTY), target);
    } else {
        add(open_cloexec("/dev/null", O_RDONLY), 0);
        add(open_cloexec(spawn.out_file, O_WRONLY | O_CREAT | O_APPEND), 1);
        add(open_cloexec(spawn.err_file, O_WRONLY | O_CREAT | O_APPEND), 2);
    }
    for (size_t i = 0; i < spawn.fd_files.size(); ++i) add(open_cloexec(spawn.fd_files[i], O_RDONLY), 3 + static_cast<int>(i));
    if (!spawn.stray_file.empty())
        add(open_cloexec(spawn.stray_file, O_RDONLY), 3 + static_cast<int>(spawn.fd_files.size()) + 1);

    pid_t pid = ::fork();
    if (pid == 0) {
        for (auto [source, target] : moves)
            if (::dup2(source, target) < 0) ::_exit(126);  // dup2(2): the copy is not close-on-exec
        write_decimal(listen_pid + kPidAt, spawn.listen_pid_of_another ? 1 : ::getpid());
        ::execve(args[0], args.data(), env.data());
        ::_exit(127);
    }
    for (auto [source, target] : moves) ::close(source);
    if (pid < 0) throw std::runtime_error("fork");
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Result run_ocirt_with_fds(const Ocirt& ocirt, const Spawn& spawn) {
    Result r;
    r.exit_code = wait_exit(spawn_ocirt(ocirt, spawn));
    r.out = read_file(spawn.out_file);
    r.err = read_file(spawn.err_file);
    return r;
}

}  // namespace ocirt::test
