// containerd 1.6 (ctr, containerd-shim-runc-v2) running its containers on the runtime under test: the
// shim calls create/start/exec/kill/ps/pause/resume/delete with containerd's own bundles, pid files,
// console sockets and --log JSON (see /work/shared/notes/clients.md, section b).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "containerd_daemon.hpp"
#include "../support/skip.hpp"

namespace {

using ocirt::clients::ContainerdDaemon;
using ocirt::clients::eventually;
using ocirt::clients::freezer_state;
using ocirt::test::Result;
using ocirt::test::read_file;
namespace fs = std::filesystem;

ContainerdDaemon& containerd() { return ContainerdDaemon::instance(); }

// Declared after any std::future that waits on the container, so it is destroyed (and kills the container)
// first when a REQUIRE leaves the case early.
class RemoveAtExit {
public:
    explicit RemoveAtExit(std::string id) : id_(std::move(id)) {}
    ~RemoveAtExit() {
        if (auto* daemon = ContainerdDaemon::running()) daemon->remove_container(id_);
    }
    RemoveAtExit(const RemoveAtExit&) = delete;
    RemoveAtExit& operator=(const RemoveAtExit&) = delete;

private:
    std::string id_;
};

std::string new_id(const std::string& what) { return ocirt::test::unique_id("ctd-" + what); }

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// ctr run [options] <flags> IMAGE ID COMMAND...
std::vector<std::string> run_args(const std::vector<std::string>& options, const std::string& id,
                                  const std::vector<std::string>& command) {
    auto args = concat(concat({"run"}, options), containerd().run_flags());
    args.push_back(ocirt::clients::kImageName);
    args.push_back(id);
    return concat(args, command);
}

// ctr task exec [options] <flags> --exec-id EXEC ID COMMAND...
std::vector<std::string> exec_args(const std::vector<std::string>& options, const std::string& id,
                                   const std::string& exec_id, const std::vector<std::string>& command) {
    auto args = concat(concat({"task", "exec"}, options), containerd().exec_flags());
    args.insert(args.end(), {"--exec-id", exec_id, id});
    return concat(args, command);
}

Result ctr(const std::vector<std::string>& args) { return containerd().ctr(args); }

// ctr run in a thread: it returns when the container's init exits, with its exit code.
std::future<Result> run_in_background(const std::string& id, const std::vector<std::string>& command) {
    auto args = run_args({"--rm"}, id, command);
    return std::async(std::launch::async, [args] { return ctr(args); });
}

// Starts a detached container (`ctr run -d <options>`) and waits for it to run; returns its init's host pid.
pid_t run_detached_with(const std::string& id, const std::vector<std::string>& options,
                        const std::vector<std::string>& command) {
    auto started = ctr(run_args(concat({"-d"}, options), id, command));
    INFO(started.err);
    REQUIRE(started.exit_code == 0);
    auto task = containerd().task(id);
    REQUIRE(task.status == "RUNNING");
    return task.pid;
}

pid_t run_detached(const std::string& id, const std::vector<std::string>& command) {
    return run_detached_with(id, {}, command);
}

// Waits until the task runs and `ready_file` exists in its root; returns the init's host pid.
pid_t wait_until_ready(const std::string& id, const std::string& ready_file) {
    pid_t pid = 0;
    bool ready = eventually([&] {
        auto task = containerd().task(id);
        pid = task.pid;
        return task.status == "RUNNING" && fs::exists("/proc/" + std::to_string(pid) + "/root" + ready_file);
    });
    REQUIRE(ready);
    return pid;
}

// `script` gives ctr the terminal that -t wants.
Result in_terminal(const std::vector<std::string>& argv) {
    return ocirt::clients::run_in_pty(ocirt::clients::shell_command(argv));
}

// `ctr task ps ID` rows: host pid -> INFO column ("-" for the init, the exec id for an exec'd process);
// empty when ctr fails.
std::map<pid_t, std::string> task_ps(const std::string& id) {
    auto listed = ctr({"task", "ps", id});
    std::map<pid_t, std::string> rows;
    if (listed.exit_code != 0) return rows;
    std::istringstream in(listed.out);
    std::string line;
    std::getline(in, line);  // PID INFO
    while (std::getline(in, line)) {
        std::istringstream row(line);
        pid_t pid = 0;
        std::string info;
        if (row >> pid >> info) rows[pid] = info;
    }
    return rows;
}

std::set<pid_t> pids_in(const std::string& cgroup_dir) {
    std::set<pid_t> pids;
    std::istringstream in(read_file(cgroup_dir + "/cgroup.procs"));
    for (pid_t pid; in >> pid;) pids.insert(pid);
    return pids;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The runtime's own error, as it writes it to --log, for a process whose args[0] is /nonexistent; `command`
// is "create" or "exec".
std::string missing_executable_error(const std::string& command) {
    if (ocirt::clients::runtime_name() == "runc")
        return (command == "create" ? "runc create failed" : "exec failed") +
               std::string(R"(: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory)");
    return command + ": " + (command == "create" ? "init" : "process") + R"(: exec "/nonexistent": No such file or directory)";
}

}  // namespace

TEST_CASE("containerd: run prints the container's output and returns its exit code") {
    std::string echo_id = new_id("echo");
    RemoveAtExit remove_echo(echo_id);
    auto echoed = ctr(run_args({"--rm"}, echo_id, {"/bin/echo", "hello from containerd"}));
    INFO(echoed.err);
    CHECK(echoed.exit_code == 0);
    CHECK(echoed.out == "hello from containerd\n");

    std::string exit_id = new_id("exit");
    RemoveAtExit remove_exit(exit_id);
    auto exited = ctr(run_args({"--rm"}, exit_id, {"/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7"}));
    CHECK(exited.exit_code == 7);
    CHECK(exited.out == "to-stdout\n");
    CHECK(contains(exited.err, "to-stderr\n"));
}

TEST_CASE("containerd: ctr task kill -s KILL ends the container with exit code 137") {
    std::string id = new_id("sigkill");
    auto running = run_in_background(id, {"sleep", "30"});
    RemoveAtExit remove(id);
    REQUIRE(eventually([&] { return containerd().task(id).status == "RUNNING"; }));
    auto killed = ctr({"task", "kill", "-s", "KILL", id});
    INFO(killed.err);
    CHECK(killed.exit_code == 0);
    CHECK(running.get().exit_code == 137);
}

TEST_CASE("containerd: task exec runs a process in the container with its output and exit code") {
    std::string id = new_id("exec");
    RemoveAtExit remove(id);
    run_detached(id, {"sleep", "30"});
    // PID 1 in the exec'd process's pid namespace is the container's init. Neither has an fd above 2: the
    // shim leaks its ttrpc socket as fd 3 into the runtime (clients.md, section c).
    auto exec = ctr(exec_args({}, id, "e1",
                              {"/bin/sh", "-c",
                               "tr '\\0' ' ' </proc/1/cmdline; echo; ls /proc/1/fd; ls /proc/$$/fd; echo err >&2; exit 3"}));
    CHECK(exec.exit_code == 3);
    CHECK(exec.out == "sleep 30 \n0\n1\n2\n0\n1\n2\n");
    CHECK(contains(exec.err, "err\n"));
}

TEST_CASE("containerd: task kill delivers signals to the init's traps") {
    std::string id = new_id("signals");
    auto running = run_in_background(
        id, {"/bin/sh", "-c",
             "trap 'echo usr1 >>/tmp/signals' USR1; trap 'exit 42' TERM; touch /tmp/ready; "
             "while :; do sleep 0.05; done"});
    RemoveAtExit remove(id);
    pid_t pid = wait_until_ready(id, "/tmp/ready");
    std::string signals = "/proc/" + std::to_string(pid) + "/root/tmp/signals";

    CHECK(ctr({"task", "kill", "-s", "USR1", id}).exit_code == 0);
    CHECK(eventually([&] { return read_file(signals) == "usr1\n"; }));
    CHECK(ctr({"task", "kill", id}).exit_code == 0);  // SIGTERM by default
    CHECK(running.get().exit_code == 42);
}

TEST_CASE("containerd: task kill --all signals the exec'd processes too") {
    std::string id = new_id("kill-all");
    auto init = run_in_background(
        id, {"/bin/sh", "-c", "trap 'exit 40' USR1; touch /tmp/ready; while :; do sleep 0.05; done"});
    std::future<Result> exec;
    RemoveAtExit remove(id);
    wait_until_ready(id, "/tmp/ready");
    auto exec_command = exec_args({}, id, "e1", {"sleep", "30"});
    exec = std::async(std::launch::async, [exec_command] { return ctr(exec_command); });
    REQUIRE(eventually([&] {
        auto rows = task_ps(id);
        return std::any_of(rows.begin(), rows.end(), [](const auto& r) { return contains(r.second, "ExecID:e1"); });
    }));

    auto killed = ctr({"task", "kill", "--all", "-s", "USR1", id});
    INFO(killed.err);
    CHECK(killed.exit_code == 0);
    // Without --all only the init would get SIGUSR1, and sleep would die of the pid namespace's SIGKILL (137).
    CHECK(exec.get().exit_code == 128 + 10);
    CHECK(init.get().exit_code == 40);
}

TEST_CASE("containerd: task pause freezes the container's cgroup and resume thaws it") {
    std::string id = new_id("pause");
    RemoveAtExit remove(id);
    pid_t pid = run_detached(id, {"/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.02; done"});
    // ctr's cgroupsPath /<namespace>/<id>: the cgroupfs driver, on cgroup v1 and v2 alike.
    bool v1 = ocirt::clients::v1_controller("freezer");
    CHECK((v1 ? ocirt::clients::v1_cgroup_path(pid, "freezer") : ocirt::clients::v2_cgroup_path(pid)) ==
          "/" + containerd().ns() + "/" + id);
    std::string count = "/proc/" + std::to_string(pid) + "/root/tmp/count";
    REQUIRE(eventually([&] { return !read_file(count).empty(); }));
    CHECK(freezer_state(pid) == "THAWED");

    auto paused = ctr({"task", "pause", id});
    INFO(paused.err);
    REQUIRE(paused.exit_code == 0);
    CHECK(freezer_state(pid) == "FROZEN");
    CHECK(containerd().task(id).status == "PAUSED");
    std::string frozen_count = read_file(count);

    auto resumed = ctr({"task", "resume", id});
    INFO(resumed.err);
    REQUIRE(resumed.exit_code == 0);
    CHECK(freezer_state(pid) == "THAWED");
    CHECK(containerd().task(id).status == "RUNNING");
    CHECK(eventually([&] {
        auto now = read_file(count);
        return !now.empty() && now != frozen_count;
    }));
}

TEST_CASE("containerd: with the runc shim's SystemdCgroup option the task runs in the systemd scope its cgroupsPath names") {
    OCIRT_SKIP_IF(!ocirt::clients::systemd_booted(),
                  "systemd is not this machine's init: the shim's SystemdCgroup option makes the runtime ask "
                  "systemd for the cgroup (ctr's default, cgroupfs, is what the other cases use)");
    std::string id = new_id("systemd");
    RemoveAtExit remove(id);
    // ctr --runc-systemd-cgroup sets the shim's SystemdCgroup, as the CRI plugin's SystemdCgroup = true
    // (kubeadm's setting) does; the shim then calls the runtime with --systemd-cgroup, and cgroupsPath is
    // "slice:prefix:name", as the CRI plugin writes "kubepods-...slice:cri-containerd:<id>".
    pid_t pid = run_detached_with(id, {"--runc-systemd-cgroup", "--cgroup", "system.slice:ocirt-ctd:" + id,
                                       "--memory-limit", "50331648"},
                                  {"sleep", "30"});
    std::string unit = "ocirt-ctd-" + id + ".scope";
    bool v1 = ocirt::clients::v1_controller("pids");
    CHECK((v1 ? ocirt::clients::v1_cgroup_path(pid, "pids") : ocirt::clients::v2_cgroup_path(pid)) ==
          "/system.slice/" + unit);
    CHECK(ocirt::clients::unit_properties(unit, {"ActiveState", "ControlGroup"}) ==
          "ActiveState=active\nControlGroup=/system.slice/" + unit + "\n");
    CHECK(ocirt::clients::limit_file(pid, "memory", "memory.limit_in_bytes", "memory.max") == "50331648");

    auto paused = ctr({"task", "pause", id});
    INFO(paused.err);
    CHECK(paused.exit_code == 0);
    CHECK(freezer_state(pid) == "FROZEN");
    CHECK(ctr({"task", "resume", id}).exit_code == 0);
    CHECK(freezer_state(pid) == "THAWED");

    containerd().remove_container(id);
    CHECK(containerd().task(id).status == "");
    // The runtime's delete stopped the unit, and systemd removed its cgroup.
    CHECK(ocirt::clients::unit_properties(unit, {"ActiveState"}) == "ActiveState=inactive\n");
    CHECK_FALSE(fs::exists(ocirt::clients::cgroup2_mount() + "/system.slice/" + unit));
}

TEST_CASE("containerd: task ps lists the host pids of the init and of an exec'd process") {
    std::string id = new_id("ps");
    RemoveAtExit remove(id);
    pid_t init = run_detached(id, {"sleep", "30"});
    auto exec = ctr(exec_args({"-d"}, id, "e1", {"sleep", "30"}));
    INFO(exec.err);
    REQUIRE(exec.exit_code == 0);

    auto rows = task_ps(id);
    REQUIRE(!rows.empty());
    std::set<pid_t> listed;
    for (const auto& row : rows) listed.insert(row.first);
    // The kernel's list: the container's own pids cgroup.
    CHECK(listed == pids_in(ocirt::clients::controller_dir(init, "pids")));
    REQUIRE(rows.count(init) == 1);
    CHECK(rows[init] == "-");
    CHECK(std::count_if(rows.begin(), rows.end(), [&](const auto& r) {
              return r.first != init && contains(r.second, "ExecID:e1");
          }) == 1);
}

TEST_CASE("containerd: run -t and exec -t give the process a terminal") {
    const std::regex terminal_line(R"(/dev/pts/[0-9]+\r\r\n)");

    std::string run_id = new_id("tty-run");
    RemoveAtExit remove_run(run_id);
    auto run = in_terminal(containerd().ctr_argv(run_args({"--rm", "-t"}, run_id, {"/bin/sh", "-c", "tty; exit 5"})));
    INFO(run.out);
    INFO(run.err);
    CHECK(run.exit_code == 5);
    CHECK(std::regex_search(run.out, terminal_line));

    std::string exec_id = new_id("tty-exec");
    RemoveAtExit remove_exec(exec_id);
    run_detached(exec_id, {"sleep", "30"});
    auto exec = in_terminal(containerd().ctr_argv(exec_args({"-t"}, exec_id, "e1", {"/bin/sh", "-c", "tty; exit 4"})));
    INFO(exec.out);
    CHECK(exec.exit_code == 4);
    CHECK(std::regex_search(exec.out, terminal_line));
}

TEST_CASE("containerd: a missing executable fails ctr run and ctr task exec with the runtime's own error message") {
    // The shim reports the last error line of the runtime's --log JSON, or "unable to retrieve OCI runtime
    // error" when it cannot read one.
    std::string id = new_id("enoent");
    RemoveAtExit remove(id);
    auto run = ctr(run_args({"--rm"}, id, {"/nonexistent"}));
    INFO(run.err);
    CHECK(run.exit_code != 0);
    CHECK(contains(run.err, "OCI runtime create failed: " + missing_executable_error("create") + ": unknown"));
    CHECK(!contains(run.err, "unable to retrieve OCI runtime error"));
    CHECK(!contains(ctr({"containers", "ls", "-q"}).out, id));

    std::string exec_id = new_id("enoent-exec");
    RemoveAtExit remove_exec(exec_id);
    run_detached(exec_id, {"sleep", "30"});
    auto exec = ctr(exec_args({}, exec_id, "e1", {"/nonexistent"}));
    INFO(exec.err);
    CHECK(exec.exit_code != 0);
    CHECK(contains(exec.err, "OCI runtime exec failed: " + missing_executable_error("exec") + ": unknown"));
    CHECK(!contains(exec.err, "unable to retrieve OCI runtime error"));
    CHECK(containerd().task(exec_id).status == "RUNNING");
}

// Last in this file, so last of the containerd cases.
TEST_CASE("containerd: the cases removed their containers and stopping the daemon leaves nothing behind") {
    auto& daemon = containerd();
    auto containers = daemon.ctr({"containers", "ls", "-q"});
    CHECK(containers.out == "");
    auto snapshots = daemon.ctr({"snapshots", "ls"});
    INFO(snapshots.out);
    CHECK(!contains(snapshots.out, "Active"));
    auto left = daemon.stop();
    std::string listed;
    for (const auto& item : left) listed += item + "\n";
    INFO(listed);
    CHECK(left.empty());
}
