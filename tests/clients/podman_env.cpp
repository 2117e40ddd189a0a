#include "podman_env.hpp"

#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

namespace ocirt::clients {
namespace fs = std::filesystem;

namespace {

// "name=N:N" with N = min(wanted, the current hard limit): podman as root asks for 1048576 otherwise, which
// the runtime cannot set without CAP_SYS_RESOURCE (clients.md, pitfall 1).
std::string ulimit_within_hard_limit(const char* name, int resource, rlim_t wanted) {
    rlimit limit{};
    ::getrlimit(resource, &limit);
    rlim_t value = std::min(wanted, limit.rlim_max);
    return std::string(name) + "=" + std::to_string(value) + ":" + std::to_string(value);
}

// Every cgroup (v1 and v2) mount point.
std::vector<std::string> cgroup_mount_points() {
    std::vector<std::string> points;
    for (const auto& m : mounts())
        if (m.fstype == "cgroup" || m.fstype == "cgroup2") points.push_back(m.point);
    return points;
}

// podman's cgroupfs manager puts containers under /libpod_parent and conmon under /libpod_parent/conmon, in
// every hierarchy, and never removes these parents. (Its systemd manager uses machine.slice, systemd's.)
std::vector<std::string> podman_parent_cgroups() {
    std::vector<std::string> parents;
    for (const auto& point : cgroup_mount_points()) {
        parents.push_back(point + "/libpod_parent/conmon");
        parents.push_back(point + "/libpod_parent");
    }
    return parents;
}

// Where each cgroup manager puts container `id` (the runtime's cgroup) and its conmon, in every hierarchy.
std::vector<std::string> container_cgroups(const std::string& id) {
    std::vector<std::string> dirs;
    for (const auto& point : cgroup_mount_points()) {
        dirs.push_back(point + "/libpod_parent/libpod-" + id);
        dirs.push_back(point + "/machine.slice/libpod-" + id + ".scope");
        dirs.push_back(point + "/machine.slice/libpod-conmon-" + id + ".scope");
    }
    return dirs;
}

// The ids of every container podman created here, from its private events log.
std::set<std::string> created_container_ids(const std::string& events_log) {
    std::set<std::string> ids;
    std::ifstream events(events_log);
    for (std::string line; std::getline(events, line);) {
        auto event = nlohmann::json::parse(line, nullptr, false);
        if (event.is_object() && event.value("Type", "") == "container" && event.value("Status", "") == "create")
            ids.insert(event.value("ID", ""));
    }
    ids.erase("");
    return ids;
}

}  // namespace

PodmanEnv& PodmanEnv::instance() {
    static PodmanEnv env;
    return env;
}

PodmanEnv::PodmanEnv() : dir_("ocirt-podman"), podman_(find_program("podman")) {
    for (const auto& parent : podman_parent_cgroups())
        if (!fs::exists(parent)) parent_cgroups_made_.push_back(parent);
    std::ofstream(dir() + "/containers.conf")
        << "[containers]\n"
        << "netns = \"none\"\n"
        << "log_driver = \"k8s-file\"\n"
        << "default_ulimits = [\"" << ulimit_within_hard_limit("nofile", RLIMIT_NOFILE, 1024) << "\", \""
        << ulimit_within_hard_limit("nproc", RLIMIT_NPROC, 4096) << "\"]\n"
        << "[engine]\n"
        // podman's own default (systemd) where it works, as a podman user has it; cgroupfs elsewhere.
        << (clients_default_to_systemd() ? "" : "cgroup_manager = \"cgroupfs\"\n")
        << "events_logger = \"file\"\n"
        << "events_logfile_path = \"" << dir() << "/events.log\"\n"
        << "tmp_dir = \"" << dir() << "/tmp\"\n"
        // podman passes --log-format=json --log only to runtimes listed here by file name (clients.md, pitfall 4).
        << "runtime_supports_json = [\"ocirt\", \"runc\", \"crun\"]\n"
        // The runtime by name, as README's podman snippet registers ocirt.
        << "runtime = \"" << runtime_name() << "\"\n"
        << "[engine.runtimes]\n"
        << runtime_name() << " = [\"" << runtime_binary() << "\"]\n"
        << "[network]\n"
        << "network_config_dir = \"" << dir() << "/networks\"\n";
    std::ofstream(dir() + "/storage.conf") << "[storage]\n"
                                           << "driver = \"overlay\"\n"
                                           << "runroot = \"" << runroot() << "\"\n"
                                           << "graphroot = \"" << graphroot() << "\"\n";
    ::setenv("CONTAINERS_CONF", (dir() + "/containers.conf").c_str(), 1);
    ::setenv("CONTAINERS_STORAGE_CONF", (dir() + "/storage.conf").c_str(), 1);
    auto loaded = (*this)({"load", "-q", "-i", image_tarball()});
    if (loaded.exit_code != 0) {
        std::string message = "podman load failed: " + loaded.err;
        for (const auto& leftover : teardown()) message += "\nleft behind: " + leftover;
        throw std::runtime_error(message);
    }
    at_suite_end([this] { return teardown(); });
}

test::Result PodmanEnv::operator()(const std::vector<std::string>& args, const std::string& input) const {
    std::vector<std::string> argv{podman_};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run_program(argv, input);
}

std::string PodmanEnv::command_line(const std::vector<std::string>& args) const {
    std::string line = shell_quote(podman_);
    for (const auto& arg : args) line += " " + shell_quote(arg);
    return line;
}

std::vector<std::string> PodmanEnv::teardown() {
    std::vector<std::string> left;
    auto names = (*this)({"ps", "-a", "--format", "{{.Names}}"});
    std::stringstream lines(names.out);
    for (std::string name; std::getline(lines, name);)
        if (!name.empty()) left.push_back("podman container not removed by its test: " + name);
    (*this)({"rm", "-a", "-f", "-t", "0"});
    (*this)({"rmi", "-a", "-f"});

    // conmon and podman's exit commands ("container cleanup") run on after a container exits.
    eventually([&] { return processes_naming(dir()).empty(); });
    for (const auto& process : processes_naming(dir())) left.push_back("process: " + process);

    // The overlay driver keeps its home (<graphroot>/overlay) bind-mounted; any other mount is a leak.
    for (const auto& mount : mounts_under(dir()))
        if (mount != graphroot() + "/overlay") left.push_back("mount: " + mount);
    for (const auto& mount : mounts_under(dir()))
        if (::umount2(mount.c_str(), 0) != 0) ::umount2(mount.c_str(), MNT_DETACH);
    for (const auto& mount : mounts_under(dir())) left.push_back("mount still there after umount: " + mount);

    for (const auto& id : created_container_ids(dir() + "/events.log"))
        for (const auto& cgroup : container_cgroups(id))
            if (fs::exists(cgroup)) left.push_back("cgroup: " + cgroup);
    // Only the parents this run made, and only when empty (rmdir of a cgroup with children fails).
    for (const auto& parent : parent_cgroups_made_) ::rmdir(parent.c_str());

    std::error_code ec;
    fs::remove_all(dir(), ec);
    if (fs::exists(dir())) left.push_back("directory: " + dir());
    ::unsetenv("CONTAINERS_CONF");
    ::unsetenv("CONTAINERS_STORAGE_CONF");
    return left;
}

PodmanContainer::PodmanContainer() : name_(test::unique_id("ocirt-podman")) {}

PodmanContainer::~PodmanContainer() { PodmanEnv::instance()({"rm", "-f", "-t", "0", "--ignore", name_}); }

void PodmanContainer::run_detached(const std::vector<std::string>& options,
                                   const std::vector<std::string>& command) {
    std::vector<std::string> args{"run", "-d", "--name", name_};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(kImageName);
    args.insert(args.end(), command.begin(), command.end());
    auto run = PodmanEnv::instance()(args);
    INFO("podman run -d: ", run.err);
    REQUIRE(run.exit_code == 0);
    pid_ = std::stoi(inspect("{{.State.Pid}}"));
    REQUIRE(pid_ > 0);
}

std::string PodmanContainer::inspect(const std::string& format) const {
    auto result = PodmanEnv::instance()({"inspect", "-f", format, name_});
    INFO("podman inspect: ", result.err);
    REQUIRE(result.exit_code == 0);
    std::string out = result.out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

std::string PodmanContainer::file_in_container(const std::string& path) const {
    return test::read_file("/proc/" + std::to_string(host_pid()) + "/root" + path);
}

}  // namespace ocirt::clients
