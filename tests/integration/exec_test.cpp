#include <doctest/doctest.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "seccomp_agent.hpp"
#include "util/unique_fd.hpp"

using namespace ocirt::test;
using nlohmann::json;
using ocirt::UniqueFd;
namespace fs = std::filesystem;

namespace {

// A bundle whose process sleeps, so that the container stays running for exec.
struct SleepingBundle : Bundle {
    SleepingBundle() { config["process"]["args"] = {"sleep", "1000"}; }
};

std::string status_field(const std::string& status, const std::string& name) {
    std::istringstream lines(status);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(name + ":\t", 0) == 0) return line.substr(name.size() + 2);
    return "";
}

std::string proc_status(pid_t pid) { return read_file("/proc/" + std::to_string(pid) + "/status"); }

}  // namespace

TEST_CASE("exec: joins the init's pid, mnt, net, ipc, uts and cgroup namespaces and returns the exit code") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-ns");
    const char* kinds[] = {"pid", "mnt", "net", "ipc", "uts", "cgroup"};
    std::string script, expected;
    for (const char* kind : kinds) {
        script += std::string("readlink /proc/self/ns/") + kind + "; ";
        expected += fs::read_symlink("/proc/" + std::to_string(container.pid()) + "/ns/" + kind).string() + "\n";
        CHECK(fs::read_symlink("/proc/" + std::to_string(container.pid()) + "/ns/" + kind) != host_namespace(kind));
    }
    auto exec = ocirt({"exec", container.id(), "sh", "-c", script + "echo hostname=$(hostname); exit 7"});
    INFO(exec.err);
    CHECK(exec.exit_code == 7);
    CHECK(exec.out == expected + "hostname=ocirt-busybox\n");
    CHECK(ocirt({"exec", container.id(), "true"}).exit_code == 0);
    CHECK(ocirt({"exec", container.id(), "sh", "-c", "kill -9 $$"}).exit_code == 128 + SIGKILL);
}

TEST_CASE("exec: joins the container's user namespace first, with the rest; container root is the mapped host uid") {
    Ocirt ocirt;
    SleepingBundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);  // the rootfs must be reachable by host uid 100000
    RunningContainer container(ocirt, bundle, "exec-userns");
    std::string init_proc = "/proc/" + std::to_string(container.pid());
    auto exec = ocirt({"exec", container.id(), "sh", "-c",
                       "readlink /proc/self/ns/user; readlink /proc/self/ns/mnt; cat /proc/self/uid_map; id -u"});
    INFO(exec.err);
    REQUIRE(exec.exit_code == 0);
    std::istringstream lines(exec.out);
    std::string user_ns, mnt_ns, uid_map, uid;
    std::getline(lines, user_ns);
    std::getline(lines, mnt_ns);
    std::getline(lines, uid_map);
    std::getline(lines, uid);
    CHECK(user_ns == fs::read_symlink(init_proc + "/ns/user").string());
    CHECK(user_ns != host_namespace("user"));
    CHECK(mnt_ns == fs::read_symlink(init_proc + "/ns/mnt").string());
    std::istringstream map_words(uid_map);
    std::string inside, outside, size;
    map_words >> inside >> outside >> size;
    CHECK(inside + " " + outside + " " + size == "0 100000 65536");
    CHECK(uid == "0");
}

TEST_CASE("exec: the process's rlimits from the config apply") {
    Ocirt ocirt;
    SleepingBundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 321}, {"hard", 654}},
                                           {{"type", "RLIMIT_NPROC"}, {"soft", 4321}, {"hard", 4321}}};
    RunningContainer container(ocirt, bundle, "exec-rlimits");
    auto exec = ocirt({"exec", container.id(), "grep", "-E", "^Max (open files|processes)", "/proc/self/limits"});
    INFO(exec.err);
    CHECK(exec.out ==
          "Max processes             4321                 4321                 processes \n"
          "Max open files            321                  654                  files     \n");
}

TEST_CASE("exec: --env, --cwd, --user uid:gid and --additional-gids shape the process") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-flags");
    auto exec = ocirt({"exec", "--env", "GREETING=hello", "-e", "TERM=dumb", "--cwd", "/tmp", "--user", "1000:1000",
                       "--additional-gids", "5", "-g", "6", container.id(), "sh", "-c",
                       "echo $GREETING $TERM $PATH; pwd; grep -E '^(Uid|Gid|Groups):' /proc/self/status"});
    INFO(exec.err);
    CHECK(exec.exit_code == 0);
    CHECK(exec.out ==
          "hello dumb /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n/tmp\n"
          "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t5 6 \n");

    auto uid_only = ocirt({"exec", "--user", "1000", container.id(), "id"});
    CHECK(uid_only.out == "uid=1000 gid=0(root)\n");
}

TEST_CASE("exec: --cap adds a capability to the config's bounding, effective and permitted sets") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-cap");
    std::string script = "grep -E '^Cap(Bnd|Prm|Eff):' /proc/self/status; mkdir -p /tmp/m; mount -t tmpfs t /tmp/m && echo mounted";
    // capabilities(7): CAP_AUDIT_WRITE (29), CAP_KILL (5) and CAP_NET_BIND_SERVICE (10) from the config.
    auto plain = ocirt({"exec", container.id(), "sh", "-c", script});
    CHECK(plain.out == "CapPrm:\t0000000020000420\nCapEff:\t0000000020000420\nCapBnd:\t0000000020000420\n");
    CHECK(plain.exit_code == 1);  // busybox mount fails: mount(2) needs CAP_SYS_ADMIN
    // CAP_SYS_ADMIN is 21.
    auto added = ocirt({"exec", "--cap", "CAP_SYS_ADMIN", container.id(), "sh", "-c", script});
    INFO(added.err);
    CHECK(added.exit_code == 0);
    CHECK(added.out ==
          "CapPrm:\t0000000020200420\nCapEff:\t0000000020200420\nCapBnd:\t0000000020200420\nmounted\n");
    // The bundle declares ociVersion 1.2.0: an unknown name is a warning (config.md, 1.1+).
    auto unknown = ocirt({"exec", "--cap", "CAP_NONSENSE", container.id(), "true"});
    CHECK(unknown.exit_code == 0);
    CHECK(unknown.err.find("unknown capability \"CAP_NONSENSE\"") != std::string::npos);
}

TEST_CASE("exec: --no-new-privs sets NoNewPrivs where the config does not") {
    Ocirt ocirt;
    SleepingBundle bundle;
    bundle.config["process"]["noNewPrivileges"] = false;
    RunningContainer container(ocirt, bundle, "exec-nnp");
    auto plain = ocirt({"exec", container.id(), "grep", "NoNewPrivs", "/proc/self/status"});
    CHECK(plain.out == "NoNewPrivs:\t0\n");
    auto nnp = ocirt({"exec", "--no-new-privs", container.id(), "grep", "NoNewPrivs", "/proc/self/status"});
    CHECK(nnp.out == "NoNewPrivs:\t1\n");
}

TEST_CASE("exec: --process FILE runs that runtime-spec process; a bad one names the JSON pointer in the file") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-process");
    TempDir files("ocirt-exec");
    json process = {{"args", {"sh", "-c", "echo $WHO in $(pwd) as $(id -u):$(id -g); exit 3"}},
                    {"env", {"PATH=/bin", "WHO=file"}},
                    {"cwd", "/dev"},
                    {"user", {{"uid", 1234}, {"gid", 99}}}};
    write_file(files.path() + "/process.json", process.dump());
    auto exec = ocirt({"exec", "--process", files.path() + "/process.json", container.id()});
    INFO(exec.err);
    CHECK(exec.exit_code == 3);
    CHECK(exec.out == "file in /dev as 1234:99\n");

    process["cwd"] = "relative";
    write_file(files.path() + "/bad.json", process.dump());
    auto bad = ocirt({"exec", "--process", files.path() + "/bad.json", container.id()});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("/cwd") != std::string::npos);
}

TEST_CASE("exec: -d with --pid-file leaves the process running in the container's cgroup, a child of the caller") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-detach");
    TempDir files("ocirt-exec");
    std::string pid_file = files.path() + "/exec.pid";
    // prctl(2) PR_SET_CHILD_SUBREAPER: orphans of ocirt exec come to the test, as to containerd's shim.
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    auto exec = run_to_files(ocirt, {"exec", "-d", "--pid-file", pid_file, container.id(), "sleep", "999"},
                             files.path() + "/o", files.path() + "/e");
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
    INFO(exec.err);
    REQUIRE(exec.exit_code == 0);
    std::string pid_text = read_file(pid_file);
    CHECK(pid_text.find_first_not_of("0123456789") == std::string::npos);
    REQUIRE(!pid_text.empty());
    pid_t pid = std::stoi(pid_text);
    std::string proc = "/proc/" + pid_text, init_proc = "/proc/" + std::to_string(container.pid());
    CHECK(read_file(proc + "/cmdline") == std::string("sleep\0" "999\0", 10));
    CHECK(status_field(proc_status(pid), "PPid") == std::to_string(::getpid()));
    CHECK(fs::read_symlink(proc + "/ns/pid") == fs::read_symlink(init_proc + "/ns/pid"));
    CHECK(fs::read_symlink(proc + "/ns/mnt") == fs::read_symlink(init_proc + "/ns/mnt"));
    CHECK(read_file(proc + "/cgroup") == read_file(init_proc + "/cgroup"));
    CHECK(status_field(proc_status(pid), "NSpid").find('\t') != std::string::npos);  // a pid in the container too

    auto ps = ocirt({"ps", "--format", "json", container.id()});
    std::vector<pid_t> expected = {container.pid(), pid};
    std::sort(expected.begin(), expected.end());
    CHECK(json::parse(ps.out) == json(expected));

    REQUIRE(::kill(pid, SIGKILL) == 0);
    int status = 0;
    CHECK(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status));
}

TEST_CASE("exec: the container's seccomp filter applies to the exec'd process too") {
    Ocirt ocirt;
    SleepingBundle bundle;
    bundle.config["process"]["noNewPrivileges"] = false;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}}}};
    RunningContainer container(ocirt, bundle, "exec-seccomp");
    CHECK(status_field(proc_status(container.pid()), "Seccomp") == "2");
    std::string script = "mkdir /tmp/made; echo rc=$?; grep -E '^Seccomp(_filters)?:' /proc/self/status";
    for (bool nnp : {false, true}) {
        CAPTURE(nnp);
        std::vector<std::string> args = {"exec"};
        if (nnp) args.push_back("--no-new-privs");
        args.insert(args.end(), {container.id(), "sh", "-c", script});
        auto exec = ocirt(args);
        INFO(exec.err);
        CHECK(exec.exit_code == 0);
        CHECK(exec.out == "rc=1\nSeccomp:\t2\nSeccomp_filters:\t1\n");
        CHECK(exec.err.find("Operation not permitted") != std::string::npos);
    }
}

TEST_CASE("exec: with a seccomp listener the exec'd process's notify fd and its state reach the agent, which answers") {
    Ocirt ocirt;
    TempDir files("ocirt-exec");
    SeccompAgent agent(files.path() + "/agent.sock", EPERM);
    SleepingBundle bundle;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"listenerPath", files.path() + "/agent.sock"},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    RunningContainer container(ocirt, bundle, "exec-notify");
    std::string pid_file = files.path() + "/exec.pid";
    auto exec = ocirt({"exec", "--pid-file", pid_file, container.id(), "sh", "-c", "mkdir /tmp/asked; echo rc=$?"});
    INFO(exec.err);
    CHECK(exec.exit_code == 0);
    CHECK(exec.out == "rc=1\n");
    CHECK(exec.err.find("Operation not permitted") != std::string::npos);
    CHECK(agent.answered() >= 1);
    auto states = agent.states();
    REQUIRE(states.size() == 2);
    json init_state = json::parse(states[0]), exec_state = json::parse(states[1]);
    CHECK(init_state["pid"] == container.pid());
    CHECK(exec_state["pid"] == std::stoi(read_file(pid_file)));
    CHECK(exec_state["fds"] == json::array({"seccompFd"}));
    CHECK(exec_state["state"]["id"] == container.id());
}

TEST_CASE("exec: --preserve-fds passes fds 3.. and nothing else of ocirt or its caller") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-fds");
    TempDir files("ocirt-exec");
    write_file(files.path() + "/three", "exec three\n");
    write_file(files.path() + "/stray", "must not be seen\n");
    for (int preserved : {1, 0}) {
        CAPTURE(preserved);
        std::string n = std::to_string(preserved);
        Spawn spawn;
        spawn.args = {"exec", "-d", "--preserve-fds", n, "--pid-file", files.path() + "/pid" + n, container.id(), "sh",
                      "-c", preserved ? "cat <&3; exec sleep 1000" : "exec sleep 1000"};
        spawn.out_file = files.path() + "/out" + n;
        spawn.err_file = files.path() + "/err" + n;
        if (preserved) spawn.fd_files = {files.path() + "/three"};
        spawn.stray_file = files.path() + "/stray";
        Result exec = run_ocirt_with_fds(ocirt, spawn);
        INFO(exec.err);
        REQUIRE(exec.exit_code == 0);
        pid_t pid = std::stoi(read_file(files.path() + "/pid" + n));
        if (preserved) CHECK(eventually([&] { return read_file(spawn.out_file) == "exec three\n"; }));
        REQUIRE(eventually([&] { return read_file("/proc/" + std::to_string(pid) + "/comm") == "sleep\n"; }));
        std::vector<int> expected = {0, 1, 2};
        if (preserved) expected.push_back(3);
        CHECK(open_fds(pid) == expected);
    }
}

TEST_CASE("exec -t: the pty master comes through the console socket; consoleSize from --process, the exit code returned, the pty owned by the user") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-tty");
    TempDir files("ocirt-exec");
    ConsoleReceiver console;
    json process = {{"args", {"/bin/sh"}},
                    {"terminal", true},
                    {"consoleSize", {{"height", 24}, {"width", 132}}},
                    {"env", {"PATH=/bin"}},
                    {"cwd", "/"},
                    {"user", {{"uid", 0}, {"gid", 0}}}};
    write_file(files.path() + "/process.json", process.dump());
    Spawn spawn;
    spawn.args = {"exec", "-t", "--console-socket", console.path(), "--process", files.path() + "/process.json",
                  container.id()};
    spawn.out_file = files.path() + "/out";
    spawn.err_file = files.path() + "/err";
    pid_t exec = spawn_ocirt(ocirt, spawn);

    std::string payload;
    UniqueFd master(console.receive_master(payload));
    if (!master) ::kill(exec, SIGKILL);
    REQUIRE(master);
    CHECK(payload.size() >= 1);
    unsigned int pty_number = 0;
    REQUIRE(::ioctl(master.get(), TIOCGPTN, &pty_number) == 0);
    std::string out = converse(master.get(), "echo size=$(stty size) tty=$(tty) in=$(readlink /proc/$$/fd/0); echo DO\"\"NE", "DONE");
    INFO(out);
    CHECK(out.find("size=24 132 tty=/dev/pts/" + std::to_string(pty_number) + " in=/dev/pts/" +
                   std::to_string(pty_number) + "\n") != std::string::npos);
    send_line(master.get(), "exit 5");
    read_until_hangup(master.get());
    CHECK(wait_exit(exec) == 5);
    INFO(read_file(spawn.err_file));

    ConsoleReceiver detached_console;
    auto detached = ocirt({"exec", "-d", "-t", "--user", "1000:1000", "--console-socket", detached_console.path(),
                           container.id(), "sh"});
    CHECK(detached.exit_code == 0);
    UniqueFd detached_master(detached_console.receive_master(payload));
    REQUIRE(detached_master);
    std::string owned = converse(detached_master.get(), "echo tty=$(tty) owner=$(stat -c %u $(tty)); echo DO\"\"NE", "DONE");
    INFO(owned);
    CHECK(owned.find("\ntty=/dev/pts/") != std::string::npos);
    CHECK(owned.find(" owner=1000\n") != std::string::npos);
    send_line(detached_master.get(), "exit");
    read_until_hangup(detached_master.get());
}

TEST_CASE("exec: in the foreground, a SIGTERM sent to ocirt reaches the process and its exit code comes back") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-signal");
    TempDir files("ocirt-exec");
    Spawn spawn;
    spawn.args = {"exec", container.id(), "sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo ready; while :; do sleep 1; done"};
    spawn.out_file = files.path() + "/out";
    spawn.err_file = files.path() + "/err";
    pid_t exec = spawn_ocirt(ocirt, spawn);
    bool ready = eventually([&] { return read_file(spawn.out_file) == "ready\n"; }, 10000);
    CHECK(ready);
    ::kill(exec, ready ? SIGTERM : SIGKILL);
    CHECK(wait_exit(exec) == 42);
    CHECK(read_file(spawn.out_file) == "ready\ngot TERM\n");
}

TEST_CASE("exec -t in the foreground without --console-socket: ocirt copies its own terminal to the process's pty") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-tty-fg");
    // The test's own pty stands for the user's terminal: ocirt gets its peer as stdin, stdout and stderr.
    UniqueFd terminal(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    REQUIRE(terminal);
    REQUIRE(::grantpt(terminal.get()) == 0);
    REQUIRE(::unlockpt(terminal.get()) == 0);
    winsize size{};
    size.ws_row = 30;
    size.ws_col = 100;
    REQUIRE(::ioctl(terminal.get(), TIOCSWINSZ, &size) == 0);
    Spawn spawn;
    spawn.args = {"exec", "-t", container.id(), "sh"};
    spawn.tty = ::ptsname(terminal.get());
    pid_t exec = spawn_ocirt(ocirt, spawn);
    std::string out = converse(terminal.get(), "echo size=$(stty size) tty=$(tty) pid=$(cut -d' ' -f6 /proc/$$/stat); echo DO\"\"NE", "DONE");
    INFO(out);
    CHECK(out.find("\nsize=30 100 tty=/dev/pts/0 pid=") != std::string::npos);
    // A resized terminal: the SIGWINCH ocirt gets (queued before the next keys) resizes the process's pty.
    size.ws_row = 40;
    size.ws_col = 120;
    REQUIRE(::ioctl(terminal.get(), TIOCSWINSZ, &size) == 0);
    REQUIRE(::kill(exec, SIGWINCH) == 0);
    std::string resized = converse(terminal.get(), "echo size=$(stty size); echo DO\"\"NE", "DONE");
    INFO(resized);
    CHECK(resized.find("\nsize=40 120\n") != std::string::npos);
    send_line(terminal.get(), "exit 9");
    CHECK(wait_exit(exec) == 9);
    // termios(3): ocirt made the terminal raw while it ran and gave it back as it found it.
    termios mode{};
    REQUIRE(::tcgetattr(terminal.get(), &mode) == 0);
    CHECK((mode.c_lflag & ICANON) != 0);
    CHECK((mode.c_lflag & ECHO) != 0);
}

TEST_CASE("exec: a stopped or unknown container is refused with its name") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("true");
    RunningContainer container(ocirt, bundle, "exec-stopped");
    REQUIRE(eventually([&] { return ocirt({"state", container.id()}).out.find("\"stopped\"") != std::string::npos; }));
    auto stopped = ocirt({"exec", container.id(), "true"});
    CHECK(stopped.exit_code == 1);
    CHECK(stopped.err.find("container \"" + container.id() + "\" has stopped: container not running") != std::string::npos);

    auto unknown = ocirt({"exec", "no-such-container", "true"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("container \"no-such-container\" does not exist") != std::string::npos);
}

TEST_CASE("exec: -d -t without --console-socket, or --console-socket without -t, is refused before anything starts") {
    Ocirt ocirt;
    SleepingBundle bundle;
    RunningContainer container(ocirt, bundle, "exec-tty-flags");
    ConsoleReceiver console;
    auto no_socket = ocirt({"exec", "-d", "-t", container.id(), "sleep", "7771234"});
    CHECK(no_socket.exit_code == 1);
    CHECK(no_socket.err.find("needs --console-socket") != std::string::npos);
    auto no_tty = ocirt({"exec", "-d", "--console-socket", console.path(), container.id(), "sleep", "7771234"});
    CHECK(no_tty.exit_code == 1);
    CHECK(no_tty.err.find("--console-socket is only used when process.terminal is true") != std::string::npos);
    CHECK(processes_mentioning("7771234").empty());
    auto ps = ocirt({"ps", "--format", "json", container.id()});
    CHECK(json::parse(ps.out) == json::array({container.pid()}));
}
