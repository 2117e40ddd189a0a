// podman 4.3 with conmon driving RUNTIME (default: this build's ocirt): what a podman user sees (output,
// exit codes, signals, ptys) and what the kernel shows (freezer state, resource limits in cgroup files).
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "podman_env.hpp"
#include "../support/skip.hpp"

namespace ocirt::clients {
namespace {
namespace fs = std::filesystem;

std::string pid_namespace(pid_t pid) {
    std::error_code ec;
    return fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/pid", ec).string();
}

// Whether some process other than `init` in init's pid namespace runs the command line `args`.
bool runs_beside_init(pid_t init, const std::vector<std::string>& args) {
    std::string wanted;
    for (const auto& arg : args) wanted += arg + '\0';
    std::string ns = pid_namespace(init);
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos || pid == std::to_string(init)) continue;
        if (pid_namespace(std::stoi(pid)) == ns && test::read_file("/proc/" + pid + "/cmdline") == wanted) return true;
    }
    return false;
}

void wait_ready(const PodmanContainer& container) {
    REQUIRE(became_ready(container.host_pid()));
}

}  // namespace

TEST_CASE("podman: run --rm shows the container's output and passes exit codes 0 and 7 through") {
    auto& podman = PodmanEnv::instance();
    auto hello = podman({"run", "--rm", kImageName, "echo", "hello from podman"});
    INFO("stderr: ", hello.err);
    CHECK(hello.exit_code == 0);
    CHECK(hello.out == "hello from podman\n");

    auto seven = podman({"run", "--rm", kImageName, "sh", "-c", "echo to-stderr >&2; exit 7"});
    INFO("stderr: ", seven.err);
    CHECK(seven.exit_code == 7);
    CHECK(seven.err.find("to-stderr") != std::string::npos);

    auto piped = podman({"run", "--rm", "-i", kImageName, "cat"}, "piped in\n");
    INFO("stderr: ", piped.err);
    CHECK(piped.exit_code == 0);
    CHECK(piped.out == "piped in\n");
}

TEST_CASE("podman: a container killed with kill -s KILL exits 137") {
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({}, {"sleep", "1000"});
    auto killed = podman({"kill", "-s", "KILL", container.name()});
    INFO("kill: ", killed.err);
    CHECK(killed.exit_code == 0);
    auto waited = podman({"wait", container.name()});
    INFO("wait: ", waited.err);
    CHECK(trimmed(waited.out) == "137");
}

TEST_CASE("podman: exec shows output and exit code 3; exec -d leaves its process running") {
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({}, {"sleep", "1000"});

    auto echoed = podman({"exec", container.name(), "sh", "-c", "echo from-exec; echo err-from-exec >&2"});
    INFO("exec stderr: ", echoed.err);
    CHECK(echoed.exit_code == 0);
    CHECK(echoed.out == "from-exec\n");
    CHECK(echoed.err.find("err-from-exec") != std::string::npos);

    CHECK(podman({"exec", container.name(), "sh", "-c", "exit 3"}).exit_code == 3);

    auto detached = podman({"exec", "-d", container.name(), "sleep", "999"});
    INFO("exec -d: ", detached.err);
    CHECK(detached.exit_code == 0);
    CHECK(eventually([&] { return runs_beside_init(container.host_pid(), {"sleep", "999"}); }));
}

TEST_CASE("podman: stop -t 1 kills a container whose init ignores TERM") {
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    // busybox sleep as pid 1 has no TERM handler, and the kernel drops unhandled signals to a pid 1.
    container.run_detached({}, {"sleep", "1000"});
    auto stopped = podman({"stop", "-t", "1", container.name()});
    INFO("stop: ", stopped.err);
    CHECK(stopped.exit_code == 0);
    CHECK(container.inspect("{{.State.Status}} {{.State.ExitCode}}") == "exited 137");
}

TEST_CASE("podman: stop sends TERM, which a trap turns into a clean exit") {
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({}, trapping_shell("TERM", "exit 42"));
    wait_ready(container);
    // Long enough that KILL (exit 137) would only come if TERM never reached the trap.
    auto stopped = podman({"stop", "-t", "30", container.name()});
    INFO("stop: ", stopped.err);
    CHECK(stopped.exit_code == 0);
    CHECK(container.inspect("{{.State.Status}} {{.State.ExitCode}}") == "exited 42");
}

TEST_CASE("podman: kill -s USR1 reaches the container's trap and leaves it running") {
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({}, trapping_shell("USR1", "echo got-usr1 >> /tmp/usr1"));
    wait_ready(container);
    auto signalled = podman({"kill", "-s", "USR1", container.name()});
    INFO("kill: ", signalled.err);
    CHECK(signalled.exit_code == 0);
    CHECK(eventually([&] { return container.file_in_container("/tmp/usr1") == "got-usr1\n"; }));
    CHECK(container.inspect("{{.State.Running}}") == "true");
}

TEST_CASE("podman: pause freezes the container's cgroup, unpause thaws it and the process runs again") {
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({}, counting_shell());
    auto count = [&] { return counted(container.file_in_container("/tmp/count")); };
    REQUIRE(eventually([&] { return count() > 0; }));

    auto paused = podman({"pause", container.name()});
    INFO("pause: ", paused.err);
    REQUIRE(paused.exit_code == 0);
    CHECK(freezer_state(container.host_pid()) == "FROZEN");
    CHECK(container.inspect("{{.State.Status}}") == "paused");
    long frozen_at = count();

    auto unpaused = podman({"unpause", container.name()});
    INFO("unpause: ", unpaused.err);
    REQUIRE(unpaused.exit_code == 0);
    CHECK(freezer_state(container.host_pid()) == "THAWED");
    CHECK(container.inspect("{{.State.Status}}") == "running");
    CHECK(eventually([&] { return count() > frozen_at; }));
}

TEST_CASE("podman: run -t and exec -t give the process a pty") {
    auto& podman = PodmanEnv::instance();
    const std::regex pty_path("/dev/pts/[0-9]+");

    auto run = run_in_pty(podman.command_line({"run", "--rm", "-t", kImageName, "tty"}));
    INFO("run -t output: ", run.out, run.err);
    CHECK(run.exit_code == 0);
    CHECK(std::regex_search(run.out, pty_path));

    PodmanContainer container;
    container.run_detached({}, {"sleep", "1000"});
    auto exec = run_in_pty(podman.command_line({"exec", "-t", container.name(), "tty"}));
    INFO("exec -t output: ", exec.out, exec.err);
    CHECK(exec.exit_code == 0);
    CHECK(std::regex_search(exec.out, pty_path));

    // Without -t the same command has no terminal: the check above is not satisfied by script(1) alone.
    auto plain = run_in_pty(podman.command_line({"exec", container.name(), "tty"}));
    CHECK_FALSE(std::regex_search(plain.out, pty_path));
}

TEST_CASE("podman: --memory, --pids-limit, --cpus and --cpuset-cpus reach the container's cgroup files") {
    PodmanContainer container;
    container.run_detached({"--memory", "64m", "--pids-limit", "99", "--cpus", "0.5", "--cpuset-cpus", "0"},
                           {"sleep", "1000"});
    pid_t pid = container.host_pid();
    CHECK(limit_file(pid, "memory", "memory.limit_in_bytes", "memory.max") == std::to_string(64 * 1024 * 1024));
    CHECK(limit_file(pid, "pids", "pids.max", "pids.max") == "99");
    if (v1_controller("cpu")) {
        long quota = std::stol(cgroup_file(pid, "cpu", "cpu.cfs_quota_us"));
        long period = std::stol(cgroup_file(pid, "cpu", "cpu.cfs_period_us"));
        CHECK(period > 0);
        CHECK(quota * 2 == period);
    } else {
        CHECK(limit_file(pid, "cpu", "", "cpu.max") == "50000 100000");
    }
    CHECK(limit_file(pid, "cpuset", "cpuset.cpus", "cpuset.cpus") == "0");
}

TEST_CASE("podman: its default systemd cgroup manager puts the container in machine.slice/libpod-<id>.scope") {
    OCIRT_SKIP_IF(!clients_default_to_systemd(),
                  "podman's default cgroup manager, systemd, needs systemd as the init of a cgroup v2 host; "
                  "here podman is told to use cgroupfs, as the other cases show");
    auto& podman = PodmanEnv::instance();
    CHECK(trimmed(podman({"info", "--format", "{{.Host.CgroupManager}}"}).out) == "systemd");
    PodmanContainer container;
    container.run_detached({"--pids-limit", "42", "--memory", "48m"}, {"sleep", "1000"});
    // podman's cgroupsPath "machine.slice:libpod:<id>", with --systemd-cgroup: the runtime asks systemd for
    // the scope, which holds the init and the limits.
    std::string unit = "libpod-" + container.inspect("{{.Id}}") + ".scope";
    pid_t pid = container.host_pid();
    CHECK(v2_cgroup_path(pid) == "/machine.slice/" + unit);
    CHECK(unit_properties(unit, {"ActiveState", "ControlGroup", "MemoryMax", "TasksMax"}) ==
          "ActiveState=active\nControlGroup=/machine.slice/" + unit + "\nMemoryMax=50331648\nTasksMax=42\n");
    CHECK(limit_file(pid, "pids", "", "pids.max") == "42");
    CHECK(limit_file(pid, "memory", "", "memory.max") == "50331648");

    auto removed = podman({"rm", "-f", "-t", "0", container.name()});
    INFO("rm: ", removed.err);
    REQUIRE(removed.exit_code == 0);
    // The runtime's delete stopped the unit, and systemd removed its cgroup.
    CHECK(unit_properties(unit, {"ActiveState"}) == "ActiveState=inactive\n");
    CHECK_FALSE(fs::exists(cgroup2_mount() + "/machine.slice/" + unit));
}

TEST_CASE("podman: --read-only keeps / read-only; its tmpfs mounts and --tmpfs start as copies (tmpcopyup)") {
    auto& podman = PodmanEnv::instance();
    // podman asks for runc's tmpcopyup extension on /run, /tmp, /var/tmp of a --read-only container and on
    // each --tmpfs: the tmpfs starts with what the image had there (/etc/passwd here).
    auto run = podman({"run", "--rm", "--read-only", "--tmpfs", "/etc", kImageName, "sh", "-c",
                       "touch /in-root 2>&1; touch /run/a /tmp/b /var/tmp/c /etc/d && echo tmpfs-writable;"
                       "head -n 1 /etc/passwd; grep -E ' /(run|tmp|var/tmp|etc) ' /proc/self/mountinfo | cut -d' ' -f5,9"});
    INFO("stderr: ", run.err);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("touch: /in-root: Read-only file system\n") != std::string::npos);
    CHECK(run.out.find("tmpfs-writable\n") != std::string::npos);
    CHECK(run.out.find("root:x:0:0:") != std::string::npos);
    for (const auto* mount : {"/run tmpfs\n", "/tmp tmpfs\n", "/var/tmp tmpfs\n", "/etc tmpfs\n"}) {
        CAPTURE(mount);
        CHECK(run.out.find(mount) != std::string::npos);
    }
}

TEST_CASE("podman: --uidmap runs root as a mapped uid and still shows the container's cgroups") {
    PodmanContainer container;
    // podman keeps the host's cgroup namespace on a v1 host, so the runtime cannot mount cgroup filesystems
    // in the new user namespace (cgroup_namespaces(7)) and has to bind the container's cgroup directories.
    // On cgroup v2 podman asks for a cgroup namespace, and the container's cgroup2 mount is rooted at its own.
    container.run_detached({"--uidmap", "0:100000:65536", "--gidmap", "0:100000:65536", "--pids-limit", "77"},
                           {"sleep", "1000"});
    std::string pids_max = v1_controller("pids") ? "/sys/fs/cgroup/pids/pids.max" : "/sys/fs/cgroup/pids.max";
    auto seen = PodmanEnv::instance()({"exec", container.name(), "sh", "-c",
                                       "cat /proc/self/uid_map; id -u; cat " + pids_max});
    INFO("exec stderr: ", seen.err);
    CHECK(seen.exit_code == 0);
    std::stringstream words(seen.out);
    std::vector<std::string> got{std::istream_iterator<std::string>(words), {}};
    CHECK(got == std::vector<std::string>{"0", "100000", "65536", "0", "77"});
    std::string status = test::read_file("/proc/" + std::to_string(container.host_pid()) + "/status");
    CHECK(status.find("\nUid:\t100000\t100000\t100000\t100000\n") != std::string::npos);
}

TEST_CASE("podman: a missing binary exits 127 with the runtime's own message, also in its JSON log") {
    auto& podman = PodmanEnv::instance();
    // The runtime's own words for a missing process.args[0]; podman maps them to exit code 127.
    const std::string expected = runtime_name() == "runc"
                                     ? R"(exec: "/nonexistent": stat /nonexistent: no such file or directory)"
                                     : R"(exec "/nonexistent": No such file or directory)";

    auto run = podman({"run", "--rm", kImageName, "/nonexistent"});
    INFO("run stderr: ", run.err);
    CHECK(run.exit_code == 127);
    CHECK(run.err.find(expected) != std::string::npos);

    // podman passes --log-format=json --log <runroot>/overlay-containers/<id>/userdata/oci-log to a runtime
    // named in runtime_supports_json; the failed create leaves its error there.
    PodmanContainer container;
    auto created = podman({"create", "--name", container.name(), kImageName, "/nonexistent"});
    INFO("create stderr: ", created.err);
    REQUIRE(created.exit_code == 0);
    std::string id = trimmed(created.out);
    auto started = podman({"start", container.name()});
    INFO("start stderr: ", started.err);
    CHECK(started.exit_code != 0);
    CHECK(started.err.find(expected) != std::string::npos);

    std::string log = test::read_file(podman.runroot() + "/overlay-containers/" + id + "/userdata/oci-log");
    INFO("oci-log: ", log);
    bool logged = false;
    std::stringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        auto entry = nlohmann::json::parse(line);  // every line must be JSON
        if (entry.value("level", "") == "error" && entry.value("msg", "").find(expected) != std::string::npos)
            logged = entry["time"].is_string();
    }
    CHECK(logged);

    // exec: conmon runs the runtime's exec, podman exec maps the same words to 127.
    PodmanContainer running;
    running.run_detached({}, {"sleep", "1000"});
    auto exec = podman({"exec", running.name(), "/nonexistent"});
    INFO("exec stderr: ", exec.err);
    CHECK(exec.exit_code == 127);
    CHECK(exec.err.find(expected) != std::string::npos);
}

}  // namespace ocirt::clients

namespace ocirt::clients {
namespace {

// What `criu check` says when CRIU cannot run on this kernel (criu 3.17 on this project's 6.18 host); "" when
// it can (Debian's 6.1 in tools/testvm's guests).
std::string criu_cannot_run() {
    auto check = test::run_program({"/usr/sbin/criu", "check"});
    if (check.exit_code == 0) return {};
    std::string text = check.err + check.out;
    size_t error = text.find("Error (");
    return "criu check fails on this kernel: " + (error == std::string::npos ? trimmed(text) : text.substr(error, text.find('\n', error) - error));
}

int counter_value(pid_t pid) {
    try {
        return std::stoi(test::read_file("/proc/" + std::to_string(pid) + "/root/tmp/count"));
    } catch (...) {
        return -1;
    }
}

bool counts_past(pid_t pid, int value) {
    for (int i = 0; i < 1000; ++i) {
        if (counter_value(pid) > value) return true;
        ::usleep(10000);
    }
    return false;
}

}  // namespace

TEST_CASE("podman: container checkpoint and container restore round-trip a counting container") {
    std::string reason = criu_cannot_run();
    OCIRT_SKIP_IF(!reason.empty(), reason);
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({}, {"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done"});
    REQUIRE(counts_past(container.host_pid(), 3));
    int before = counter_value(container.host_pid());

    auto dumped = podman({"container", "checkpoint", container.name()});
    INFO("checkpoint: ", dumped.err);
    REQUIRE(dumped.exit_code == 0);
    CHECK(container.inspect("{{.State.Status}}") == "exited");
    CHECK_FALSE(std::filesystem::exists("/proc/" + std::to_string(container.host_pid()) + "/root/tmp/count"));

    auto restored = podman({"container", "restore", container.name()});
    INFO("restore: ", restored.err);
    REQUIRE(restored.exit_code == 0);
    CHECK(container.inspect("{{.State.Status}}") == "running");
    pid_t pid = std::stoi(container.inspect("{{.State.Pid}}"));
    REQUIRE(pid > 0);
    int first = counter_value(pid);
    CHECK(first >= before);
    CHECK(counts_past(pid, first));
    // podman's own commands reach the restored container through the runtime.
    auto exec = podman({"exec", container.name(), "cat", "/tmp/count"});
    INFO("exec: ", exec.err);
    CHECK(exec.exit_code == 0);
    CHECK(std::stoi(exec.out) >= first);
}

TEST_CASE("podman: container checkpoint and container restore of a container with a terminal (-t): conmon gets the new pty and logs what the restored process prints") {
    std::string reason = criu_cannot_run();
    OCIRT_SKIP_IF(!reason.empty(), reason);
    auto& podman = PodmanEnv::instance();
    PodmanContainer container;
    container.run_detached({"-t"}, {"sh", "-c", "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; echo tick-$i; sleep 0.1; done"});
    REQUIRE(counts_past(container.host_pid(), 3));

    auto dumped = podman({"container", "checkpoint", container.name()});
    INFO("checkpoint: ", dumped.err);
    REQUIRE(dumped.exit_code == 0);
    auto restored = podman({"container", "restore", container.name()});
    INFO("restore: ", restored.err);
    REQUIRE(restored.exit_code == 0);
    pid_t pid = std::stoi(container.inspect("{{.State.Pid}}"));
    REQUIRE(pid > 0);
    int first = counter_value(pid);
    REQUIRE(counts_past(pid, first + 10));
    // A line the restored process printed on its new pty reached conmon, which holds that pty's master.
    std::string printed_after_restore = "tick-" + std::to_string(first + 5);
    CHECK(eventually([&] { return podman({"logs", container.name()}).out.find(printed_after_restore) != std::string::npos; }));
}

}  // namespace ocirt::clients
