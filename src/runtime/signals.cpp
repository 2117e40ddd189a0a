#include "runtime/signals.hpp"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>

#include "state/store.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

bool parse_int(std::string_view text, int& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// signal(7): real-time signals are named relative to SIGRTMIN and SIGRTMAX.
int parse_realtime(const std::string& name) {
    for (auto [base, value, sign] : {std::tuple{"RTMIN", SIGRTMIN, 1}, std::tuple{"RTMAX", SIGRTMAX, -1}}) {
        std::string b = base;
        if (name == b) return value;
        if (name.rfind(b, 0) != 0 || name.size() < b.size() + 2) continue;
        char op = name[b.size()];
        int offset = 0;
        if (op != (sign > 0 ? '+' : '-') || !parse_int(std::string_view(name).substr(b.size() + 1), offset)) continue;
        int sig = value + sign * offset;
        if (sig >= SIGRTMIN && sig <= SIGRTMAX) return sig;
    }
    return 0;
}

// glibc 2.36's <sys/pidfd.h> lacks extern "C", so the two calls go through syscall(2).
int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0U)); }
int pidfd_send_signal(int pidfd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0U)); }

}  // namespace

UniqueFd open_init_pidfd(const state::Record& record) {
    if (record.pid <= 0) return {};
    UniqueFd fd(pidfd_open(record.pid));
    if (!fd) {
        // pidfd_open(2) EINVAL for a pid > 0 with no flags: no thread-group leader has it any more, as when the
        // init was reaped (by a subreaper, or PID 1) while its struct pid is still referenced: gone, as ESRCH.
        if (errno == ESRCH || errno == EINVAL) return {};
        throw SysError("pidfd_open " + std::to_string(record.pid));
    }
    if (state::process_start_time(record.pid) != record.pid_start_time) return {};
    return fd;
}

int parse_signal(const std::string& text) {
    int number = 0;
    if (parse_int(text, number)) {
        if (number < 0 || number > SIGRTMAX) throw Error("unknown signal " + ocirt::quoted(text));
        return number;
    }
    std::string name = upper(text);
    if (name.rfind("SIG", 0) == 0) name = name.substr(3);
    for (int sig = 1; sig < SIGRTMIN; ++sig) {
        const char* abbrev = ::sigabbrev_np(sig);
        if (abbrev && name == abbrev) return sig;
    }
    if (int sig = parse_realtime(name)) return sig;
    throw Error("unknown signal " + ocirt::quoted(text));
}

std::string signal_name(int sig) {
    if (sig >= SIGRTMIN && sig <= SIGRTMAX)
        return sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(sig - SIGRTMIN);
    const char* abbrev = ::sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : std::to_string(sig);
}

bool signal_init(const state::Record& record, int sig) {
    UniqueFd fd = open_init_pidfd(record);
    if (!fd) return false;
    if (pidfd_send_signal(fd.get(), sig) != 0) {
        if (errno == ESRCH) return false;
        throw SysError("send " + signal_name(sig) + " to pid " + std::to_string(record.pid));
    }
    return true;
}

bool wait_init_exit(const state::Record& record, std::chrono::milliseconds timeout) {
    UniqueFd fd = open_init_pidfd(record);
    if (!fd) return true;
    pollfd p{fd.get(), POLLIN, 0};
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        int rc = ::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
        if (rc > 0) return true;
        if (rc == 0) return false;
        if (errno != EINTR) throw SysError("poll pidfd of " + std::to_string(record.pid));
    }
}

}  // namespace ocirt::runtime
