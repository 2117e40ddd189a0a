// Docker 20.10 (dockerd, its containerd and the runc v2 shim) running containers on RUNTIME (default: this
// build's ocirt) as Docker's tutorials use it: run/exec with ptys, users, env and cwd, network modes,
// resource limits, pause, update, stop and signals, restart policies, read-only roots, volume propagation,
// logs. Each case checks the result inside the container or in the kernel's files on the host.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "docker_daemon.hpp"
#include "../support/skip.hpp"

namespace ocirt::clients {
// A named namespace: the client sources are compiled as one unity file (see docker_daemon.cpp).
namespace docker_cases {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

DockerDaemon& docker() { return DockerDaemon::instance(); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string net_namespace(pid_t pid) {
    std::error_code ec;
    return fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net", ec).string();
}

// `docker exec <options> NAME command...`
test::Result exec(const DockerContainer& container, const std::vector<std::string>& options,
                  const std::vector<std::string>& command) {
    std::vector<std::string> args{"exec"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(container.name());
    args.insert(args.end(), command.begin(), command.end());
    return docker()(args);
}

// The interface names /proc/net/dev lists (the network namespace of whoever reads it).
std::vector<std::string> interfaces(const std::string& proc_net_dev) {
    std::vector<std::string> names;
    std::istringstream lines(proc_net_dev);
    std::string line;
    for (int header = 0; header < 2; ++header) std::getline(lines, line);
    while (std::getline(lines, line)) {
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        auto start = line.find_first_not_of(' ');
        names.push_back(line.substr(start, colon - start));
    }
    return names;
}

// "key=value" lines into a map.
std::map<std::string, std::string> key_values(const std::string& text) {
    std::map<std::string, std::string> values;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (auto eq = line.find('='); eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 1);
    return values;
}

// A directory of the test's own, bind-mounted on itself and made a shared mount: Docker takes `rslave` and
// `rshared` volumes only from a shared (or slave) mount, and the host's / must not be changed for that.
// The destructor unmounts it and whatever was mounted below it.
class SharedDir {
public:
    SharedDir() : dir_("ocirt-docker-vol") {
        if (::mount(path().c_str(), path().c_str(), nullptr, MS_BIND, nullptr) != 0 ||
            ::mount(nullptr, path().c_str(), nullptr, MS_PRIVATE, nullptr) != 0 ||
            ::mount(nullptr, path().c_str(), nullptr, MS_SHARED, nullptr) != 0)
            throw std::runtime_error("cannot make " + path() + " a shared bind mount");
    }
    ~SharedDir() {
        for (const auto& point : mounts_under(path()))
            if (::umount2(point.c_str(), 0) != 0) ::umount2(point.c_str(), MNT_DETACH);
    }
    SharedDir(const SharedDir&) = delete;
    SharedDir& operator=(const SharedDir&) = delete;
    const std::string& path() const { return dir_.path(); }

private:
    test::TempDir dir_;
};

// Whether the kernel runs AppArmor: dockerd then confines every container by its docker-default profile.
bool apparmor_enabled() { return trimmed(test::read_file("/sys/module/apparmor/parameters/enabled")) == "Y"; }

// The file system type of the mount at `point` in /proc/self/mountinfo; "" when nothing is mounted there.
std::string mounted_type(const std::string& point) {
    std::string type;
    for (const auto& m : mounts())
        if (m.point == point) type = m.fstype;
    return type;
}

}  // namespace

TEST_CASE("docker: run shows the output, passes exit codes 0 and 7 through, and -i feeds stdin") {
    DockerContainer hello;
    auto echoed = hello.run({"--rm"}, {"echo", "hello from docker"});
    INFO("stderr: ", echoed.err);
    CHECK(echoed.exit_code == 0);
    CHECK(echoed.out == "hello from docker\n");

    DockerContainer seven;
    auto exited = seven.run({"--rm"}, {"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 7"});
    INFO("stderr: ", exited.err);
    CHECK(exited.exit_code == 7);
    CHECK(exited.out == "to-stdout\n");
    CHECK(has(exited.err, "to-stderr\n"));

    DockerContainer piped;
    auto read = piped.run({"--rm", "-i"}, {"sh", "-c", "read line; echo \"got: $line\""}, "piped in\n");
    INFO("stderr: ", read.err);
    CHECK(read.exit_code == 0);
    CHECK(read.out == "got: piped in\n");
}

TEST_CASE("docker: run -it gives the process a pty and passes its exit code through") {
    const std::regex pty_path("/dev/pts/[0-9]+");
    DockerContainer with_tty;
    auto run = run_in_pty(shell_command(
        with_tty.run_argv({"--rm", "-it"}, {"sh", "-c", "tty; [ -t 0 ] && echo stdin-is-a-tty; exit 5"})));
    INFO("run -it output: ", run.out, run.err);
    CHECK(run.exit_code == 5);
    CHECK(std::regex_search(run.out, pty_path));
    CHECK(has(run.out, "stdin-is-a-tty"));

    // Without -t the same command has no terminal: the checks above are not satisfied by script(1) alone.
    DockerContainer without_tty;
    auto plain = run_in_pty(shell_command(without_tty.run_argv({"--rm", "-i"}, {"sh", "-c", "tty; exit 5"})));
    INFO("run -i output: ", plain.out, plain.err);
    CHECK(plain.exit_code == 5);
    CHECK_FALSE(std::regex_search(plain.out, pty_path));
}

TEST_CASE("docker: exec runs with -it, -u, -e and -w and passes output and exit codes through") {
    DockerContainer container;
    container.run_detached({}, {"sleep", "1000"});

    auto echoed = exec(container, {}, {"sh", "-c", "echo from-exec; echo err-from-exec >&2"});
    INFO("exec stderr: ", echoed.err);
    CHECK(echoed.exit_code == 0);
    CHECK(echoed.out == "from-exec\n");
    CHECK(has(echoed.err, "err-from-exec"));
    CHECK(exec(container, {}, {"sh", "-c", "exit 3"}).exit_code == 3);

    auto user = exec(container, {"-u", "1000"}, {"id", "-u"});
    INFO("exec -u stderr: ", user.err);
    CHECK(user.exit_code == 0);
    CHECK(user.out == "1000\n");
    auto env = exec(container, {"-e", "K=V"}, {"sh", "-c", "echo \"K is $K\""});
    CHECK(env.exit_code == 0);
    CHECK(env.out == "K is V\n");
    auto cwd = exec(container, {"-w", "/tmp"}, {"pwd"});
    CHECK(cwd.exit_code == 0);
    CHECK(cwd.out == "/tmp\n");

    auto tty = run_in_pty(shell_command(docker().argv({"exec", "-it", container.name(), "sh", "-c", "tty; exit 4"})));
    INFO("exec -it output: ", tty.out, tty.err);
    CHECK(tty.exit_code == 4);
    CHECK(std::regex_search(tty.out, std::regex("/dev/pts/[0-9]+")));
}

TEST_CASE("docker: on a host with AppArmor the container runs confined by docker-default, as dockerd asks") {
    OCIRT_SKIP_IF(!apparmor_enabled(), "AppArmor is not enabled in this kernel: dockerd asks for no profile");
    DockerContainer container;
    container.run_detached({}, {"sleep", "1000"});
    // dockerd loads its docker-default profile with apparmor_parser and names it in process.apparmorProfile;
    // the runtime switches the init to it on exec (aa_change_onexec), and an exec'd process gets it too.
    std::string pid = std::to_string(container.host_pid());
    CHECK(trimmed(test::read_file("/proc/" + pid + "/attr/current")) == "docker-default (enforce)");
    auto inside = exec(container, {}, {"cat", "/proc/self/attr/current"});
    INFO("exec: ", inside.err);
    CHECK(inside.exit_code == 0);
    CHECK(trimmed(inside.out) == "docker-default (enforce)");
}

TEST_CASE("docker: --network none leaves only lo") {
    DockerContainer container;
    auto listed = container.run({"--rm", "--network", "none"}, {"cat", "/proc/net/dev"});
    INFO("stderr: ", listed.err);
    CHECK(listed.exit_code == 0);
    CHECK(interfaces(listed.out) == std::vector<std::string>{"lo"});
}

TEST_CASE("docker: --network host shares the host's network namespace") {
    DockerContainer container;
    container.run_detached({"--network", "host"}, {"sleep", "1000"});
    CHECK(net_namespace(container.host_pid()) == net_namespace(::getpid()));
}

TEST_CASE("docker: --network container:NAME joins the other container's network namespace") {
    DockerContainer first, second;
    first.run_detached({}, {"sleep", "1000"});
    second.run_detached({"--network", "container:" + first.name()}, {"sleep", "1000"});
    CHECK(net_namespace(second.host_pid()) == net_namespace(first.host_pid()));
    CHECK(net_namespace(second.host_pid()) != net_namespace(::getpid()));
}

TEST_CASE("docker: the default bridge network gives eth0 the address docker inspect reports") {
    DockerContainer container;
    container.run_detached({}, {"sleep", "1000"});
    CHECK(net_namespace(container.host_pid()) != net_namespace(::getpid()));
    std::string address = container.inspect("{{.NetworkSettings.IPAddress}}");
    REQUIRE(std::regex_match(address, std::regex(R"([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)")));
    auto seen = exec(container, {}, {"ip", "-4", "-o", "addr", "show", "dev", "eth0"});
    INFO("ip addr: ", seen.out, seen.err);
    CHECK(seen.exit_code == 0);
    CHECK(has(seen.out, " inet " + address + "/"));
}

TEST_CASE("docker: -m 32m with a memory hog ends in an OOM kill, exit code 137") {
    DockerContainer container;
    // The shell keeps the 100 MB in a variable, so the container's init itself is what must be killed.
    auto run = container.run({"-m", "32m"}, {"sh", "-c", "x=$(head -c 100000000 /dev/zero | tr \\\\0 x); echo survived"});
    INFO("stderr: ", run.err);
    CHECK(run.exit_code == 137);
    CHECK_FALSE(has(run.out, "survived"));
    CHECK(container.inspect("{{.State.OOMKilled}} {{.State.ExitCode}}") == "true 137");
}

TEST_CASE("docker: --cpus, --cpu-shares, --pids-limit, -m/--memory-swap and --cpuset-cpus reach the cgroup files") {
    DockerContainer container;
    container.run_detached({"--cpus", "0.2", "--cpu-shares", "512", "--pids-limit", "50", "-m", "64m",
                            "--memory-swap", "128m", "--cpuset-cpus", "0"},
                           {"sleep", "1000"});
    pid_t pid = container.host_pid();
    // Each limit as the kernel shows it: a v1 controller's file, or the cgroup2 file where the controller
    // is not a v1 one (this host's cgroup2 mount, or every controller on a cgroup v2 host).
    struct Limit {
        std::string controller, file, value;
    };
    std::vector<Limit> limits;
    if (v1_controller("cpu"))
        limits.insert(limits.end(), {{"cpu", "cpu.cfs_quota_us", "20000"},
                                     {"cpu", "cpu.cfs_period_us", "100000"},
                                     {"cpu", "cpu.shares", "512"}});
    else  // 512 shares in cpu.weight: the formula runc 1.3.2+ and crun 1.23+ share (ocirt's README).
        limits.insert(limits.end(), {{"cpu", "cpu.max", "20000 100000"}, {"cpu", "cpu.weight", "59"}});
    limits.push_back({"pids", "pids.max", "50"});
    limits.push_back({"cpuset", "cpuset.cpus", "0"});
    std::string memory_dir = controller_dir(pid, "memory");
    REQUIRE(!memory_dir.empty());
    if (v1_controller("memory")) {
        limits.push_back({"memory", "memory.limit_in_bytes", std::to_string(64 << 20)});
        // memory.memsw.* exists only where the kernel accounts swap (CONFIG_MEMCG_SWAP and swapaccount).
        if (fs::exists(memory_dir + "/memory.memsw.limit_in_bytes"))
            limits.push_back({"memory", "memory.memsw.limit_in_bytes", std::to_string(128 << 20)});
        else
            MESSAGE("skipped: --memory-swap: this kernel has no swap accounting (no memory.memsw.limit_in_bytes)");
    } else {
        // cgroup v2 counts swap apart: memory.swap.max is --memory-swap minus -m.
        limits.push_back({"memory", "memory.max", std::to_string(64 << 20)});
        limits.push_back({"memory", "memory.swap.max", std::to_string(64 << 20)});
    }

    // On the host, in the container's cgroup as /proc/<pid>/cgroup names it.
    for (const auto& limit : limits) {
        CAPTURE(limit.file);
        CHECK(trimmed(test::read_file(controller_dir(pid, limit.controller) + "/" + limit.file)) == limit.value);
    }
    // Inside: without a cgroup namespace (v1) the runtime binds the container's own cgroup at
    // /sys/fs/cgroup/<controller>; on cgroup v2 Docker asks for a cgroup namespace and the cgroup2 mount
    // at /sys/fs/cgroup is rooted at the container's cgroup. Either way the tools in a container read
    // their own limits.
    auto inside_path = [](const Limit& limit) {
        return "/sys/fs/cgroup/" + (v1_controller(limit.controller) ? limit.controller + "/" : "") + limit.file;
    };
    std::string script;
    for (const auto& limit : limits) script += "echo " + limit.file + "=$(cat " + inside_path(limit) + "); ";
    auto inside = exec(container, {}, {"sh", "-c", script});
    INFO("inside: ", inside.out, inside.err);
    CHECK(inside.exit_code == 0);
    auto seen = key_values(inside.out);
    for (const auto& limit : limits) {
        CAPTURE(limit.file);
        CHECK(seen[limit.file] == limit.value);
    }
}

TEST_CASE("docker: with dockerd's systemd cgroup driver the container runs in system.slice/docker-<id>.scope") {
    OCIRT_SKIP_IF(!clients_default_to_systemd(),
                  "dockerd picks its systemd cgroup driver only where systemd is the init of a cgroup v2 host; "
                  "here it uses cgroupfs, as the other cases show");
    CHECK(trimmed(docker()({"info", "-f", "{{.CgroupDriver}}"}).out) == "systemd");
    DockerContainer container;
    container.run_detached({"--pids-limit", "42", "-m", "48m"}, {"sleep", "1000"});
    // dockerd's cgroupsPath "system.slice:docker:<id>", with --systemd-cgroup: the runtime asks systemd for
    // the scope, which holds the init and the limits.
    std::string unit = "docker-" + container.inspect("{{.Id}}") + ".scope";
    pid_t pid = container.host_pid();
    CHECK(v2_cgroup_path(pid) == "/system.slice/" + unit);
    CHECK(unit_properties(unit, {"ActiveState", "ControlGroup", "MemoryMax", "TasksMax"}) ==
          "ActiveState=active\nControlGroup=/system.slice/" + unit + "\nMemoryMax=50331648\nTasksMax=42\n");
    CHECK(limit_file(pid, "pids", "", "pids.max") == "42");
    CHECK(limit_file(pid, "memory", "", "memory.max") == "50331648");

    auto removed = docker()({"rm", "-f", container.name()});
    INFO("rm: ", removed.err);
    REQUIRE(removed.exit_code == 0);
    // The runtime's delete stopped the unit, and systemd removed its cgroup.
    CHECK(unit_properties(unit, {"ActiveState"}) == "ActiveState=inactive\n");
    CHECK_FALSE(fs::exists(cgroup2_mount() + "/system.slice/" + unit));
}

TEST_CASE("docker: pause freezes the container's cgroup; after unpause the process makes progress") {
    DockerContainer container;
    container.run_detached({}, counting_shell());
    auto count = [&] { return counted(container.file_in_container("/tmp/count")); };
    REQUIRE(eventually([&] { return count() > 0; }));

    auto paused = docker()({"pause", container.name()});
    INFO("pause: ", paused.err);
    REQUIRE(paused.exit_code == 0);
    CHECK(freezer_state(container.host_pid()) == "FROZEN");
    CHECK(container.inspect("{{.State.Status}}") == "paused");
    long frozen_at = count();
    std::this_thread::sleep_for(300ms);  // six turns of the loop, had it run
    CHECK(count() == frozen_at);

    auto unpaused = docker()({"unpause", container.name()});
    INFO("unpause: ", unpaused.err);
    REQUIRE(unpaused.exit_code == 0);
    CHECK(freezer_state(container.host_pid()) == "THAWED");
    CHECK(container.inspect("{{.State.Status}}") == "running");
    CHECK(eventually([&] { return count() > frozen_at; }));
}

TEST_CASE("docker: update --cpus, --memory, --memory-swap and --pids-limit rewrite the cgroup files") {
    DockerContainer container;
    container.run_detached({"--cpus", "0.2", "-m", "64m", "--memory-swap", "128m", "--pids-limit", "50"},
                           {"sleep", "1000"});
    pid_t pid = container.host_pid();
    REQUIRE(limit_file(pid, "pids", "pids.max", "pids.max") == "50");
    auto updated = docker()({"update", "--cpus", "0.5", "--memory", "96m", "--memory-swap", "192m", "--pids-limit",
                             "60", container.name()});
    INFO("update: ", updated.out, updated.err);
    REQUIRE(updated.exit_code == 0);
    if (v1_controller("cpu")) {
        CHECK(cgroup_file(pid, "cpu", "cpu.cfs_quota_us") == "50000");
        CHECK(cgroup_file(pid, "cpu", "cpu.cfs_period_us") == "100000");
    } else {
        CHECK(limit_file(pid, "cpu", "", "cpu.max") == "50000 100000");
    }
    CHECK(limit_file(pid, "memory", "memory.limit_in_bytes", "memory.max") == std::to_string(96 << 20));
    if (!v1_controller("memory"))  // cgroup v2: swap alone, --memory-swap minus --memory
        CHECK(limit_file(pid, "memory", "", "memory.swap.max") == std::to_string(96 << 20));
    else if (fs::exists(v1_cgroup_dir(pid, "memory") + "/memory.memsw.limit_in_bytes"))
        CHECK(cgroup_file(pid, "memory", "memory.memsw.limit_in_bytes") == std::to_string(192 << 20));
    else
        MESSAGE("skipped: --memory-swap: this kernel has no swap accounting (no memory.memsw.limit_in_bytes)");
    CHECK(limit_file(pid, "pids", "pids.max", "pids.max") == "60");
    CHECK(container.inspect("{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}") ==
          std::to_string(96 << 20) + " 60");
}

TEST_CASE("docker: stats --no-stream shows the memory in use and top lists the container's process") {
    DockerContainer container;
    container.run_detached({}, {"sleep", "1234"});
    auto stats = docker()({"stats", "--no-stream", "--format", "{{.MemUsage}}", container.name()});
    INFO("stats: ", stats.out, stats.err);
    CHECK(stats.exit_code == 0);
    std::smatch usage;
    std::string line = trimmed(stats.out);
    REQUIRE(std::regex_match(line, usage, std::regex(R"(([0-9.]+)([KMG]i)?B / [0-9.]+[KMGT]iB)")));
    CHECK(std::stod(usage[1].str()) > 0);

    auto top = docker()({"top", container.name()});
    INFO("top: ", top.out, top.err);
    CHECK(top.exit_code == 0);
    CHECK(has(top.out, "sleep 1234"));
    CHECK(std::regex_search(top.out, std::regex("\\b" + std::to_string(container.host_pid()) + "\\b")));
}

TEST_CASE("docker: stop sends TERM to a trap, which exits cleanly; wait returns the exit code") {
    DockerContainer container;
    container.run_detached({}, trapping_shell("TERM", "exit 42"));
    REQUIRE(became_ready(container.host_pid()));
    auto waited = std::async(std::launch::async, [&] { return docker()({"wait", container.name()}); });
    // Long enough that KILL (exit 137) would only come if TERM never reached the trap.
    auto stopped = docker()({"stop", "-t", "30", container.name()});
    INFO("stop: ", stopped.err);
    CHECK(stopped.exit_code == 0);
    CHECK(container.inspect("{{.State.Status}} {{.State.ExitCode}}") == "exited 42");
    auto result = waited.get();
    INFO("wait: ", result.err);
    CHECK(result.exit_code == 0);
    CHECK(trimmed(result.out) == "42");
}

TEST_CASE("docker: stop -t 1 kills a container whose init ignores TERM") {
    DockerContainer container;
    // busybox sleep as pid 1 has no TERM handler, and the kernel drops unhandled signals to a pid 1.
    container.run_detached({}, {"sleep", "1000"});
    auto stopped = docker()({"stop", "-t", "1", container.name()});
    INFO("stop: ", stopped.err);
    CHECK(stopped.exit_code == 0);
    CHECK(container.inspect("{{.State.Status}} {{.State.ExitCode}}") == "exited 137");
}

TEST_CASE("docker: kill -s USR1 reaches the container's trap and leaves it running") {
    DockerContainer container;
    container.run_detached({}, trapping_shell("USR1", "echo got-usr1 >> /tmp/usr1"));
    REQUIRE(became_ready(container.host_pid()));
    auto signalled = docker()({"kill", "-s", "USR1", container.name()});
    INFO("kill: ", signalled.err);
    CHECK(signalled.exit_code == 0);
    CHECK(eventually([&] { return container.file_in_container("/tmp/usr1") == "got-usr1\n"; }));
    CHECK(container.inspect("{{.State.Running}}") == "true");
}

TEST_CASE("docker: --restart on-failure:2 restarts a failing container twice, then leaves it exited(3)") {
    DockerContainer container;
    auto run = container.run({"-d", "--restart", "on-failure:2"}, {"sh", "-c", "exit 3"});
    INFO("run: ", run.err);
    REQUIRE(run.exit_code == 0);
    std::string state;
    bool settled = eventually([&] {
        state = container.inspect("{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}");
        return state == "2 exited 3";
    });
    INFO("last state: ", state);
    CHECK(settled);
    // No third restart: on-failure:2 allows two.
    std::this_thread::sleep_for(1s);
    CHECK(container.inspect("{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}") == "2 exited 3");
}

TEST_CASE("docker: --read-only refuses writes to / while a --tmpfs /run takes them") {
    DockerContainer container;
    auto run = container.run(
        {"--rm", "--read-only", "--tmpfs", "/run"},
        {"sh", "-c",
         "touch /in-root 2>&1; touch /run/a && echo run-writable; "
         "awk '$5 == \"/run\" { for (i = 6; i < NF; i++) if ($i == \"-\") print \"/run is \" $(i + 1) }' "
         "/proc/self/mountinfo"});
    INFO("stderr: ", run.err);
    CHECK(run.exit_code == 0);
    CHECK(has(run.out, "touch: /in-root: Read-only file system\n"));
    CHECK(has(run.out, "run-writable\n"));
    CHECK(has(run.out, "/run is tmpfs\n"));
}

TEST_CASE("docker: -v HOSTDIR:/data:ro shows the host's files and refuses writes") {
    test::TempDir host_dir("ocirt-docker-ro");
    std::ofstream(host_dir.path() + "/file") << "from the host\n";
    DockerContainer container;
    auto run = container.run({"--rm", "-v", host_dir.path() + ":/data:ro"},
                             {"sh", "-c", "cat /data/file; touch /data/new 2>&1"});
    INFO("stderr: ", run.err);
    CHECK(run.exit_code == 1);
    CHECK(has(run.out, "from the host\n"));
    CHECK(has(run.out, "touch: /data/new: Read-only file system\n"));
    CHECK_FALSE(fs::exists(host_dir.path() + "/new"));
}

TEST_CASE("docker: a host mount under an rslave volume appears inside; one under a private volume does not") {
    SharedDir shared;
    fs::create_directory(shared.path() + "/sub");
    DockerContainer slave, private_;
    slave.run_detached({"-v", shared.path() + ":/data:rslave"}, {"sleep", "1000"});
    private_.run_detached({"-v", shared.path() + ":/data"}, {"sleep", "1000"});  // Docker's default: rprivate

    // Mounted on the host after both containers started.
    REQUIRE(::mount("host-tmpfs", (shared.path() + "/sub").c_str(), "tmpfs", 0, "size=1m") == 0);
    std::ofstream(shared.path() + "/sub/file") << "mounted on the host\n";

    auto seen = exec(slave, {}, {"cat", "/data/sub/file"});
    INFO("rslave: ", seen.out, seen.err);
    CHECK(seen.exit_code == 0);
    CHECK(seen.out == "mounted on the host\n");
    auto not_seen = exec(private_, {}, {"cat", "/data/sub/file"});
    INFO("rprivate: ", not_seen.out, not_seen.err);
    CHECK(not_seen.exit_code != 0);
}

TEST_CASE("docker: a mount made inside an rshared volume (with CAP_SYS_ADMIN) appears on the host") {
    SharedDir shared;
    fs::create_directory(shared.path() + "/sub");
    DockerContainer container;
    // Mounting needs CAP_SYS_ADMIN, which Docker drops by default (--privileged fails on this host), and,
    // where AppArmor is on, a profile other than docker-default, which denies mount(2): Docker's own advice.
    std::vector<std::string> options{"--cap-add", "SYS_ADMIN", "-v", shared.path() + ":/data:rshared"};
    if (apparmor_enabled()) options.insert(options.end(), {"--security-opt", "apparmor=unconfined"});
    container.run_detached(options, {"sleep", "1000"});
    auto mounted = exec(container, {},
                        {"sh", "-c", "mount -t tmpfs container-tmpfs /data/sub && echo made inside > /data/sub/file"});
    INFO("mount inside: ", mounted.out, mounted.err);
    REQUIRE(mounted.exit_code == 0);
    CHECK(mounted_type(shared.path() + "/sub") == "tmpfs");
    CHECK(test::read_file(shared.path() + "/sub/file") == "made inside\n");
}

TEST_CASE("docker: run -d, then wait returns the exit code and logs the output of both streams") {
    DockerContainer container;
    auto run = container.run({"-d"}, {"sh", "-c", "echo out-line; echo err-line >&2; sleep 0.3; exit 4"});
    INFO("run -d: ", run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(std::regex_match(trimmed(run.out), std::regex("[0-9a-f]{64}")));
    auto waited = docker()({"wait", container.name()});
    INFO("wait: ", waited.err);
    CHECK(waited.exit_code == 0);
    CHECK(trimmed(waited.out) == "4");
    auto logs = docker()({"logs", container.name()});
    INFO("logs: ", logs.err);
    CHECK(logs.exit_code == 0);
    CHECK(logs.out == "out-line\n");
    CHECK(logs.err == "err-line\n");
}

}  // namespace docker_cases
}  // namespace ocirt::clients
