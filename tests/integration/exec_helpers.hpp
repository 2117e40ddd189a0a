#pragma once
// Helpers for the terminal, fd, exec and ps tests: a running container, a console socket that receives
// the pty master, a pty driven like a user at a keyboard, and ocirt started with extra fds (as
// --preserve-fds callers and systemd socket activation pass them).
#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace ocirt::test {

// `ocirt run -d` of the bundle; the init's pid from --pid-file. Its stdout/stderr go to files.
class RunningContainer {
public:
    RunningContainer(const Ocirt& ocirt, Bundle& bundle, const std::string& prefix,
                     const std::vector<std::string>& extra_args = {});
    const std::string& id() const { return id_; }
    pid_t pid() const { return pid_; }
    std::string out() const { return read_file(files_.path() + "/out"); }
    std::string err() const { return read_file(files_.path() + "/err"); }

private:
    TempDir files_;
    std::string id_;
    pid_t pid_ = -1;
};

// A listening unix socket for --console-socket. ocirt connects and sends the master before it exits, so
// the connection waits in the backlog until receive_master() accepts it.
class ConsoleReceiver {
public:
    ConsoleReceiver();
    ~ConsoleReceiver();
    ConsoleReceiver(const ConsoleReceiver&) = delete;
    ConsoleReceiver& operator=(const ConsoleReceiver&) = delete;
    std::string path() const { return dir_.path() + "/console.sock"; }
    // Accepts one connection and takes the fd it carries (recvmsg, SCM_RIGHTS); the payload that came
    // with it is stored in `payload`. Returns -1 when nothing came within 10 s. The caller owns the fd.
    int receive_master(std::string& payload);

private:
    TempDir dir_;
    int listener_ = -1;
};

// Writes `line` and a newline to the pty master, as typed.
void send_line(int master, const std::string& line);
// Writes `command` and a newline to the pty master, then reads (echo included, "\r" dropped) until
// `marker` appears in the output, EOF, or 10 s pass. `marker` should not be typed literally in
// `command` (e.g. type `echo EN""D` and wait for "END").
std::string converse(int master, const std::string& command, const std::string& marker);
// Reads the master until the other side is closed (the process exited) or 10 s pass.
std::string read_until_hangup(int master);

// The fds open in a process, read from /proc/PID/fd.
std::vector<int> open_fds(pid_t pid);

struct Spawn {
    std::vector<std::string> args;        // after `ocirt --root ROOT`
    std::string out_file, err_file;       // stdout, stderr (stdin is /dev/null)
    std::string tty;                      // when set, this terminal is stdin, stdout and stderr instead
    std::vector<std::string> fd_files;    // opened read-only on fds 3, 4, ... (without FD_CLOEXEC)
    int listen_fds = -1;                  // when >= 0: LISTEN_FDS=<listen_fds>, LISTEN_PID=<ocirt's own pid>
    bool listen_pid_of_another = false;   // LISTEN_PID=1 instead: the fds are not meant for ocirt
    std::string stray_file;               // when set, also opened on fd 3 + fd_files.size() + 1 (not passed on)
};

// Starts ocirt without waiting for it.
pid_t spawn_ocirt(const Ocirt& ocirt, const Spawn& spawn);
// waitpid; the exit code, or 128+N for signal N.
int wait_exit(pid_t pid);
// spawn_ocirt + wait_exit, with the output read back.
Result run_ocirt_with_fds(const Ocirt& ocirt, const Spawn& spawn);

}  // namespace ocirt::test
