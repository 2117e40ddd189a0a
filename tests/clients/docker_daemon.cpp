#include "docker_daemon.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ocirt::clients {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A named namespace: the client sources are compiled as one unity file, where every anonymous namespace
// of ocirt::clients is the same one.
namespace docker_fixture {
namespace {

// Debian's docker.io. /usr/local/bin/docker, first on PATH on these machines, is an unrelated newer CLI.
const std::string kDockerCli = "/usr/bin/docker";
const std::string kDockerd = "/usr/sbin/dockerd";

// "table:chain" for each firewall chain whose name Docker uses (DOCKER, DOCKER-USER, DOCKER-ISOLATION-*);
// empty where iptables is not installed.
std::set<std::string> docker_firewall_chains() {
    std::set<std::string> chains;
    std::string iptables;
    try {
        iptables = find_program("iptables");
    } catch (const std::exception&) {
        return chains;
    }
    for (const char* table : {"filter", "nat"}) {
        auto listed = test::run_program({iptables, "-w", "-t", table, "-S"});
        std::istringstream lines(listed.out);
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("-N DOCKER", 0) == 0) chains.insert(std::string(table) + ":" + line.substr(3));
    }
    return chains;
}

const char* const kIpForward = "/proc/sys/net/ipv4/ip_forward";
// dockerd writes its trust key here unless daemon.json says otherwise.
const char* const kTrustKey = "/etc/docker/key.json";

// Runs dockerd with stdin /dev/null, stdout and stderr appended to `log`, no fds above 2 (the test process
// may have inherited some, and they would reach containerd, the shims and the runtime), in its own session,
// and with SIGTERM sent to it when the calling thread ends: dockerd then stops its containers and its
// containerd, so a crashed test run does not leave a daemon behind.
pid_t spawn_daemon(const std::vector<std::string>& argv, const std::string& log) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) throw std::runtime_error("cannot open " + log);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        if (::prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || ::getppid() != parent) ::_exit(127);
        int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null_fd < 0 || ::dup2(null_fd, 0) < 0 || ::dup2(log_fd, 1) < 0 || ::dup2(log_fd, 2) < 0) ::_exit(127);
        ::close_range(3, ~0U, 0);
        ::setsid();
        ::execve(args[0], args.data(), environ);
        ::_exit(127);
    }
    ::close(log_fd);
    if (pid < 0) throw std::runtime_error("fork for dockerd failed");
    return pid;
}

bool reaped(pid_t pid) {
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// Interfaces enslaved to `bridge` (the host ends of containers' veth pairs).
std::vector<std::string> bridge_ports(const std::string& bridge) {
    std::vector<std::string> ports;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/sys/class/net/" + bridge + "/brif", ec))
        ports.push_back(entry.path().filename().string());
    return ports;
}

}  // namespace
}  // namespace docker_fixture

using namespace docker_fixture;

DockerDaemon& DockerDaemon::storage() {
    static DockerDaemon daemon;
    return daemon;
}

DockerDaemon& DockerDaemon::instance() {
    auto& daemon = storage();
    if (!daemon.failure_.empty()) throw std::runtime_error(daemon.failure_);
    if (daemon.dir_.empty()) daemon.start();
    return daemon;
}

DockerDaemon* DockerDaemon::running() {
    auto& daemon = storage();
    return daemon.dir_.empty() ? nullptr : &daemon;
}

std::string DockerDaemon::daemon_json() const {
    // dockerd refuses a runtime named "runc" (its built-in one), so that one gets another name. The trust
    // key (a daemon identity nothing here uses) has no flag, only this setting; by default it goes to /etc.
    return nlohmann::json{{"runtimes", {{runtime_, {{"path", runtime_binary()}}}}},
                          {"deprecated-key-path", dir_ + "/key.json"}}
               .dump() + "\n";
}

void DockerDaemon::start() {
    for (const auto& binary : {kDockerCli, kDockerd})
        if (::access(binary.c_str(), X_OK) != 0)
            throw std::runtime_error(binary + " is missing (Debian's docker.io package is not installed)");
    name_ = "ocirt-docker-" + std::to_string(::getpid());
    bridge_ = "ocdk" + std::to_string(::getpid());  // an interface name has at most 15 characters
    runtime_ = runtime_name() == "runc" ? "runc-under-test" : runtime_name();
    systemd_driver_ = clients_default_to_systemd();
    firewall_chains_before_ = docker_firewall_chains();
    ip_forward_before_ = trimmed(test::read_file(kIpForward));
    had_trust_key_ = fs::exists(kTrustKey);

    std::string tmpl = (fs::temp_directory_path() / "ocirt-docker-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl);
    dir_ = tmpl;
    at_suite_end([this] { return stop(); });
    try {
        std::ofstream(dir_ + "/daemon.json") << daemon_json();
        // dockerd makes only a bridge named docker0 itself, which another daemon on this machine may own;
        // ours is made here, and dockerd gives it a subnet no route uses yet.
        auto bridge = test::run_program({find_program("ip"), "link", "add", bridge_, "type", "bridge"});
        if (bridge.exit_code != 0) throw std::runtime_error("ip link add " + bridge_ + ": " + bridge.err);
        std::vector<std::string> argv{kDockerd, "--config-file", dir_ + "/daemon.json", "--data-root", dir_ + "/data",
                                      "--exec-root", dir_ + "/exec", "--pidfile", dir_ + "/docker.pid", "-H",
                                      "unix://" + socket(), "--containerd-namespace", name_,
                                      "--containerd-plugins-namespace", name_ + "-plugins", "--bridge", bridge_,
                                      "--iptables=false", "--ip-forward=false", "--ip-masq=false"};
        // dockerd picks its cgroup driver itself (systemd on a cgroup v2 host that systemd runs, cgroupfs
        // elsewhere). With systemd each container gets system.slice/docker-<id>.scope, as a Docker user's
        // do; a parent of our own is for cgroupfs only (the systemd driver takes a slice name there).
        if (!systemd_driver_) argv.insert(argv.end(), {"--cgroup-parent", cgroup_parent()});
        started_at_ = std::to_string(::time(nullptr));
        pid_ = spawn_daemon(argv, dir_ + "/dockerd.log");
        bool up = eventually([&] {
            if (reaped(pid_)) return pid_ = -1, true;
            return (*this)({"version", "-f", "{{.Server.Version}}"}).exit_code == 0;
        });
        if (!up || pid_ < 0) throw std::runtime_error("dockerd did not start");
        // `tar -C ROOTFS -c . | docker import - NAME`, as a user makes an image without a registry.
        auto layer = test::run_program({find_program("tar"), "--numeric-owner", "-C", test::busybox_rootfs(), "-c", "."});
        if (layer.exit_code != 0) throw std::runtime_error("tar of " + test::busybox_rootfs() + ": " + layer.err);
        auto imported = (*this)({"import", "-c", R"(CMD ["/bin/sh"])", "-", kDockerImage}, layer.out);
        if (imported.exit_code != 0) throw std::runtime_error("docker import: " + imported.err);
    } catch (const std::exception& e) {
        std::string message = std::string(e.what()) + "\ndockerd log:\n" + test::read_file(dir_ + "/dockerd.log");
        for (const auto& leftover : stop()) message += "\nleft behind: " + leftover;
        failure_ = message;
        throw std::runtime_error(message);
    }
}

std::vector<std::string> DockerDaemon::argv(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{kDockerCli, "-H", "unix://" + socket(), "--config", dir_ + "/cli"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

test::Result DockerDaemon::operator()(const std::vector<std::string>& args, const std::string& input) const {
    return test::run_program(argv(args), input);
}

std::vector<std::string> DockerDaemon::stop() {
    if (dir_.empty()) return {};
    std::vector<std::string> left;
    if (pid_ > 0) {
        for (const auto& name : lines_of((*this)({"ps", "-a", "--format", "{{.Names}}"}).out)) {
            left.push_back("docker container not removed by its test: " + name);
            (*this)({"rm", "-f", name});
        }
        // Every container this daemon made, removed or not: their systemd units are checked below.
        auto events = (*this)({"events", "--since", started_at_, "--until", std::to_string(::time(nullptr) + 1),
                               "--filter", "type=container", "--filter", "event=create", "--format", "{{.ID}}"});
        created_ = lines_of(events.out);
        // The runtime deletes a container's state when docker removes the container. Its state root is
        // <exec-root>/runtime-<kind>/<namespace> (runtime-runc for every runtime behind the runc shim).
        std::error_code ec;
        for (const auto& kind : fs::directory_iterator(dir_ + "/exec", ec))
            if (kind.path().filename().string().rfind("runtime-", 0) == 0)
                for (const auto& entry : fs::directory_iterator(kind.path() / name_, ec))
                    left.push_back("runtime state of a removed container: " + entry.path().string());
        ::kill(pid_, SIGTERM);
        if (!eventually([&] { return reaped(pid_); }, 20s)) {
            left.push_back("dockerd " + std::to_string(pid_) + " ignored SIGTERM");
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        pid_ = -1;
    }
    // dockerd stops its containerd on the way out; containerd's shims exit once their task is deleted.
    eventually([&] { return processes_naming(dir_).empty(); }, 10s);
    for (const auto& process : processes_naming(dir_)) {
        left.push_back("process: " + process);
        ::kill(std::stoi(process), SIGKILL);
    }
    // dockerd keeps the host network's sandbox (--network host) bound at <exec-root>/netns/default and
    // does not unmount it when it exits; any other mount is a leak.
    for (const auto& point : mounts_under(dir_)) {
        if (point != dir_ + "/exec/netns/default") left.push_back("mount: " + point);
        if (::umount2(point.c_str(), 0) != 0) ::umount2(point.c_str(), MNT_DETACH);
    }
    std::error_code ec;
    // Each container's cgroup is <parent>/<id> in every hierarchy; the parent itself is ours to remove.
    for (const auto& mount : mounts()) {
        if (mount.fstype != "cgroup" && mount.fstype != "cgroup2") continue;
        fs::path parent = fs::path(mount.point) / name_;
        for (const auto& entry : fs::directory_iterator(parent, ec))
            if (entry.is_directory(ec)) left.push_back("cgroup: " + entry.path().string());
        if (fs::exists(parent, ec)) remove_cgroup_tree(parent.string());
        if (fs::exists(parent, ec)) left.push_back("cgroup still there: " + parent.string());
    }
    // The systemd driver: the runtime's delete stops docker-<id>.scope, and systemd removes its cgroup.
    if (systemd_driver_)
        for (const auto& id : created_)
            if (fs::exists(cgroup2_mount() + "/system.slice/docker-" + id + ".scope"))
                left.push_back("cgroup: " + cgroup2_mount() + "/system.slice/docker-" + id + ".scope");
    created_.clear();
    if (!bridge_.empty() && fs::exists("/sys/class/net/" + bridge_)) {
        for (const auto& port : bridge_ports(bridge_)) left.push_back("interface on " + bridge_ + ": " + port);
        test::run_program({find_program("ip"), "link", "del", bridge_});
        if (fs::exists("/sys/class/net/" + bridge_)) left.push_back("bridge " + bridge_ + " still there");
    }
    for (const auto& chain : docker_firewall_chains())
        if (!firewall_chains_before_.count(chain)) left.push_back("iptables chain " + chain);
    if (std::string now = trimmed(test::read_file(kIpForward)); now != ip_forward_before_) {
        left.push_back(std::string(kIpForward) + " changed from " + ip_forward_before_ + " to " + now);
        std::ofstream(kIpForward) << ip_forward_before_;
    }
    if (!had_trust_key_ && fs::exists(kTrustKey)) left.push_back(std::string(kTrustKey) + " written");

    fs::remove_all(dir_, ec);
    for (const auto& point : mounts_under(dir_)) left.push_back("mount still there after umount: " + point);
    if (fs::exists(dir_, ec)) left.push_back("directory: " + dir_);
    dir_.clear();
    return left;
}

DockerDaemon::~DockerDaemon() {
    // Normally stop() ran at the end of the suite; this catches an exit() on the way there.
    stop_or_fail_run("docker", [this] { return stop(); });
}

DockerContainer::DockerContainer() : name_(test::unique_id("ocirt-docker")) {}

DockerContainer::~DockerContainer() {
    auto* docker = DockerDaemon::running();
    if (!docker) return;
    // Docker thaws a paused container to kill it; should that fail, unpause and try once more.
    if ((*docker)({"rm", "-f", name_}).exit_code != 0 && (*docker)({"unpause", name_}).exit_code == 0)
        (*docker)({"rm", "-f", name_});
}

std::vector<std::string> DockerContainer::run_argv(const std::vector<std::string>& options,
                                                   const std::vector<std::string>& command) const {
    auto& docker = DockerDaemon::instance();
    std::vector<std::string> args{"run", "--runtime", docker.runtime(), "--name", name_};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(kDockerImage);
    args.insert(args.end(), command.begin(), command.end());
    return docker.argv(args);
}

test::Result DockerContainer::run(const std::vector<std::string>& options, const std::vector<std::string>& command,
                                  const std::string& input) const {
    return test::run_program(run_argv(options, command), input);
}

void DockerContainer::run_detached(const std::vector<std::string>& options,
                                   const std::vector<std::string>& command) {
    std::vector<std::string> detached{"-d"};
    detached.insert(detached.end(), options.begin(), options.end());
    auto run = this->run(detached, command);
    INFO("docker run -d: ", run.err);
    REQUIRE(run.exit_code == 0);
    pid_ = std::stoi(inspect("{{.State.Pid}}"));
    REQUIRE(pid_ > 0);
}

std::string DockerContainer::inspect(const std::string& format) const {
    auto result = DockerDaemon::instance()({"inspect", "-f", format, name_});
    INFO("docker inspect: ", result.err);
    REQUIRE(result.exit_code == 0);
    return trimmed(result.out);
}

std::string DockerContainer::file_in_container(const std::string& path) const {
    return test::read_file("/proc/" + std::to_string(host_pid()) + "/root" + path);
}

}  // namespace ocirt::clients
