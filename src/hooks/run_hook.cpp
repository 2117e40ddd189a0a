#include "hooks/run_hook.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <optional>
#include <vector>

#include "linux/child_process.hpp"
#include "linux/spawn.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

extern char** environ;

namespace ocirt::hooks {
namespace {

using Clock = std::chrono::steady_clock;

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Pipe make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) < 0) throw SysError("pipe");
    return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void set_nonblocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw SysError("make a pipe non-blocking");
}

// pipe(7): the whole state is written before the hook starts, so the pipe is grown to hold it
// (F_SETPIPE_SZ); the hook reads it at its own pace and can never block us or raise SIGPIPE.
UniqueFd state_pipe(const std::string& state) {
    Pipe p = make_pipe();
    int capacity = ::fcntl(p.write.get(), F_GETPIPE_SZ);
    if (capacity >= 0 && static_cast<size_t>(capacity) < state.size() &&
        (state.size() > INT_MAX || ::fcntl(p.write.get(), F_SETPIPE_SZ, static_cast<int>(state.size())) < 0))
        throw SysError("make room for " + std::to_string(state.size()) + " bytes of state in a pipe");
    set_nonblocking(p.write.get());
    size_t done = 0;
    while (done < state.size()) {
        ssize_t n = ::write(p.write.get(), state.data() + done, state.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("write the state to the hook's stdin");
        done += static_cast<size_t>(n);
    }
    return std::move(p.read);
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// posix_spawn(3) in its own process group (so a timeout kills the hook's children too), with every
// signal unblocked and at its default: `run` blocks the signals it forwards.
pid_t spawn(const config::Hook& hook, int in, int out, int err, const std::string& cwd) {
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    std::vector<char*> argv = c_strings(args);
    std::vector<char*> envp = c_strings(hook.env);
    linux_::SpawnActions actions;
    ::posix_spawn_file_actions_adddup2(actions.get(), in, STDIN_FILENO);
    ::posix_spawn_file_actions_adddup2(actions.get(), out, STDOUT_FILENO);
    ::posix_spawn_file_actions_adddup2(actions.get(), err, STDERR_FILENO);
    if (!cwd.empty()) ::posix_spawn_file_actions_addchdir_np(actions.get(), cwd.c_str());
    linux_::SpawnAttributes attributes;
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    ::posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    ::posix_spawnattr_setpgroup(attributes.get(), 0);
    ::posix_spawnattr_setsigmask(attributes.get(), &none);
    ::posix_spawnattr_setsigdefault(attributes.get(), &all);
    pid_t pid = -1;
    int rc = ::posix_spawn(&pid, hook.path.c_str(), actions.get(), attributes.get(), argv.data(),
                           hook.env.empty() ? environ : envp.data());
    if (rc != 0) throw SysError("run it", rc);
    return pid;
}

// Reads what the stream holds now; false once it is at its end.
bool drain(int fd, std::string& into) {
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            size_t room = kCapturedBytes > into.size() ? kCapturedBytes - into.size() : 0;
            into.append(buffer, std::min(room, static_cast<size_t>(n)));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return n < 0 && errno == EAGAIN;
    }
}

// Collects stdout and stderr until the hook exits (true) or the deadline passes (false). Whatever it
// left running in the background may keep the pipes open: only the hook's own exit counts.
bool capture_until_exit(const linux_::ChildProcess& child, int out, int err, std::optional<Clock::time_point> deadline,
                        HookOutput& output) {
    int streams[2] = {out, err};
    std::string* sinks[2] = {&output.out, &output.err};
    for (;;) {
        int wait_ms = -1;
        if (deadline) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now()).count();
            if (left <= 0) return false;
            wait_ms = static_cast<int>(std::min<long long>(left, INT_MAX));
        }
        pollfd fds[3] = {{child.pidfd(), POLLIN, 0}, {streams[0], POLLIN, 0}, {streams[1], POLLIN, 0}};
        int rc = ::poll(fds, 3, wait_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) throw SysError("poll the hook");
        for (int i = 0; i < 2; ++i)
            if (streams[i] >= 0 && (fds[i + 1].revents & (POLLIN | POLLHUP | POLLERR)) && !drain(streams[i], *sinks[i]))
                streams[i] = -1;
        if (fds[0].revents & POLLIN) {
            for (int i = 0; i < 2; ++i)
                if (streams[i] >= 0) drain(streams[i], *sinks[i]);
            return true;
        }
    }
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::string describe_output(const HookOutput& output) {
    std::string text;
    if (auto err = trimmed(output.err); !err.empty()) text += ", stderr: " + quoted(err);
    if (auto out = trimmed(output.out); !out.empty()) text += ", stdout: " + quoted(out);
    return text;
}

}  // namespace

HookOutput run_hook(const config::Hook& hook, const std::string& state_json, const std::string& cwd) {
    std::optional<Clock::time_point> deadline;
    if (hook.timeout) deadline = Clock::now() + std::chrono::seconds(*hook.timeout);
    UniqueFd in = state_pipe(state_json);
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    set_nonblocking(out.read.get());
    set_nonblocking(err.read.get());
    linux_::ChildProcess child(spawn(hook, in.get(), out.write.get(), err.write.get(), cwd));
    in.reset();
    out.write.reset();
    err.write.reset();
    HookOutput output;
    if (!capture_until_exit(child, out.read.get(), err.read.get(), deadline, output)) {
        // The group is killed while its leader is still unreaped, so its id cannot have been reused.
        ::kill(-child.pid(), SIGKILL);
        child.wait();
        throw Error("timed out after " + std::to_string(*hook.timeout) + "s and was killed" + describe_output(output));
    }
    linux_::ExitStatus status = child.wait();
    if (status.signaled || status.value != 0) throw Error(status.describe() + describe_output(output));
    return output;
}

}  // namespace ocirt::hooks
