// Rootless podman (4.3, conmon) on the runtime under test, as a user with a systemd user session runs it:
// podman re-executes itself in a user namespace made with newuidmap/newgidmap from the user's subordinate
// ids, runs conmon and the runtime there as that namespace's root, and with its default systemd cgroup
// manager has the runtime ask the user's own systemd instance (user@UID.service, whose cgroup v2 subtree
// systemd delegates) for the container's scope. Runs only as such a user:
//   tools/testvm --profile systemd --user NAME -- build/client_tests -tc='podman rootless*'
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "../support/skip.hpp"
#include "clients.hpp"

namespace ocirt::clients {
// A named namespace: the client sources are compiled as one unity file (see docker_daemon.cpp).
namespace podman_rootless {
namespace {
namespace fs = std::filesystem;

struct SubordinateRange {
    uint64_t start = 0, count = 0;
};

// The user's first range in /etc/subuid or /etc/subgid (subuid(5): "name:start:count", or the uid).
SubordinateRange subordinate_range(const std::string& file, const std::string& user, uid_t uid) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        std::stringstream fields(line);
        std::string owner, start, count;
        if (std::getline(fields, owner, ':') && std::getline(fields, start, ':') && std::getline(fields, count) &&
            (owner == user || owner == std::to_string(uid)))
            return {std::stoull(start), std::stoull(count)};
    }
    return {};
}

std::string user_name() {
    const char* user = std::getenv("USER");
    return user ? user : "";
}

// What this process lacks for the case, "" when nothing.
std::string missing_for_rootless_podman() {
    if (::geteuid() == 0)
        return "runs as a non-root user with a systemd user session, e.g. tools/testvm --profile systemd --user "
               "NAME -- build/client_tests -tc='podman rootless*'";
    for (const char* program : {"podman", "conmon", "newuidmap", "newgidmap"}) try {
            find_program(program);
        } catch (const std::exception& e) {
            return e.what();
        }
    if (!unified_cgroup_host()) return "rootless podman's systemd cgroup manager needs a cgroup v2 host";
    const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime_dir || !fs::exists(std::string(runtime_dir) + "/systemd/private"))
        return "no systemd user instance: XDG_RUNTIME_DIR is unset or has no systemd/private socket";
    std::string uid = std::to_string(::getuid());
    if (v2_cgroup_path(::getpid()).rfind("/user.slice/user-" + uid + ".slice/user@" + uid + ".service/", 0) != 0)
        return "this process is not in the user's systemd instance (user@" + uid + ".service)";
    if (subordinate_range("/etc/subuid", user_name(), ::getuid()).count < 65536 ||
        subordinate_range("/etc/subgid", user_name(), ::getuid()).count < 65536)
        return "the user has fewer than 65536 subordinate uids or gids in /etc/subuid, /etc/subgid";
    return "";
}

// podman with a containers.conf and storage.conf of its own in a temp dir: the runtime under test, podman's
// own defaults otherwise (systemd cgroup manager), no network (no slirp4netns here).
class RootlessPodman {
public:
    RootlessPodman() : dir_("ocirt-podman-rootless"), podman_(find_program("podman")) {
        std::ofstream(dir() + "/containers.conf")
            << "[containers]\n"
            << "netns = \"none\"\n"
            << "log_driver = \"k8s-file\"\n"
            << "[engine]\n"
            << "events_logger = \"file\"\n"
            << "events_logfile_path = \"" << dir() << "/events.log\"\n"
            << "tmp_dir = \"" << dir() << "/tmp\"\n"
            << "runtime_supports_json = [\"ocirt\", \"runc\", \"crun\"]\n"
            << "runtime = \"" << runtime_name() << "\"\n"
            << "[engine.runtimes]\n"
            << runtime_name() << " = [\"" << runtime_binary() << "\"]\n";
        // A rootless podman takes rootless_storage_path (graphroot is root's); runroot stays under
        // $XDG_RUNTIME_DIR/containers. /tmp is a tmpfs in tools/testvm's guest: overlay needs a non-overlay upper.
        std::ofstream(dir() + "/storage.conf") << "[storage]\n"
                                               << "driver = \"overlay\"\n"
                                               << "rootless_storage_path = \"" << dir() << "/graph\"\n";
        ::setenv("CONTAINERS_CONF", (dir() + "/containers.conf").c_str(), 1);
        ::setenv("CONTAINERS_STORAGE_CONF", (dir() + "/storage.conf").c_str(), 1);
    }
    ~RootlessPodman() {
        (*this)({"rm", "-a", "-f", "-t", "0"});
        // The store holds files of the subordinate ids, which only podman's user namespace may remove; the
        // reset also ends podman's pause process (its user namespace's holder).
        (*this)({"system", "reset", "--force"});
        ::unsetenv("CONTAINERS_CONF");
        ::unsetenv("CONTAINERS_STORAGE_CONF");
    }
    RootlessPodman(const RootlessPodman&) = delete;
    RootlessPodman& operator=(const RootlessPodman&) = delete;

    test::Result operator()(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{podman_};
        argv.insert(argv.end(), args.begin(), args.end());
        return test::run_program(argv);
    }
    const std::string& dir() const { return dir_.path(); }

private:
    test::TempDir dir_;
    std::string podman_;
};

}  // namespace

TEST_CASE("podman rootless: run as a user maps the container to its subordinate ids in a delegated systemd scope") {
    OCIRT_SKIP_IF_LACKING(missing_for_rootless_podman());
    const std::string uid = std::to_string(::getuid());
    const SubordinateRange subuid = subordinate_range("/etc/subuid", user_name(), ::getuid());
    RootlessPodman podman;
    auto loaded = podman({"load", "-q", "-i", image_tarball()});
    INFO("podman load: ", loaded.err);
    REQUIRE(loaded.exit_code == 0);
    CHECK(trimmed(podman({"info", "--format", "{{.Host.Security.Rootless}} {{.Host.CgroupManager}}"}).out) ==
          "true systemd");

    std::string name = test::unique_id("ocirt-rootless");
    auto run = podman({"run", "-d", "--name", name, "--user", "1000", "--pids-limit", "33", "--memory", "64m",
                       kImageName, "sleep", "1000"});
    INFO("podman run: ", run.err);
    REQUIRE(run.exit_code == 0);
    std::string id = trimmed(run.out);
    pid_t pid = std::stoi(trimmed(podman({"inspect", "-f", "{{.State.Pid}}", name}).out));
    REQUIRE(pid > 0);
    std::string proc = "/proc/" + std::to_string(pid);

    // The user namespace newuidmap made: container root is the user, 1-65536 its subordinate ids, so the
    // container's uid 1000 is subordinate id start + 999 on the host.
    std::stringstream map_text(test::read_file(proc + "/uid_map"));
    std::vector<uint64_t> map{std::istream_iterator<uint64_t>(map_text), {}};
    CHECK(map == std::vector<uint64_t>{0, static_cast<uint64_t>(::getuid()), 1, 1, subuid.start, 65536});
    std::string host_uid = std::to_string(subuid.start + 999);
    CHECK(test::read_file(proc + "/status").find("\nUid:\t" + host_uid + "\t" + host_uid + "\t" + host_uid) !=
          std::string::npos);

    // podman's cgroupsPath "user.slice:libpod:<id>" with --systemd-cgroup: the unit is the user's systemd's,
    // and its cgroup lies under user@UID.service, whose subtree systemd delegated to the user.
    std::string unit = "libpod-" + id + ".scope";
    std::string cgroup = "/user.slice/user-" + uid + ".slice/user@" + uid + ".service/user.slice/" + unit;
    CHECK(v2_cgroup_path(pid) == cgroup);
    CHECK(unit_properties(unit, {"ActiveState", "ControlGroup"}, true) ==
          "ActiveState=active\nControlGroup=" + cgroup + "\n");
    std::string dir = cgroup2_mount() + cgroup;
    CHECK(trimmed(test::read_file(dir + "/pids.max")) == "33");
    CHECK(trimmed(test::read_file(dir + "/memory.max")) == std::to_string(64 << 20));
    // Inside, the container's own cgroup namespace shows the same limit at its root.
    auto inside = podman({"exec", name, "cat", "/sys/fs/cgroup/pids.max"});
    INFO("podman exec: ", inside.err);
    CHECK(trimmed(inside.out) == "33");

    auto removed = podman({"rm", "-f", "-t", "0", name});
    INFO("podman rm: ", removed.err);
    CHECK(removed.exit_code == 0);
    // Nothing is left: the process, the unit and its cgroup, the runtime's state ($XDG_RUNTIME_DIR/ocirt
    // for the root of a user namespace, as runc's $XDG_RUNTIME_DIR/runc), conmon.
    CHECK(eventually([&] { return !fs::exists(proc); }));
    CHECK(unit_properties(unit, {"ActiveState"}, true) == "ActiveState=inactive\n");
    CHECK_FALSE(fs::exists(dir));
    std::string state_root = std::string(std::getenv("XDG_RUNTIME_DIR")) + "/" + runtime_name();
    CHECK_FALSE(fs::exists(state_root + "/" + id));
    CHECK(eventually([&] { return processes_naming(id).empty(); }));
    CHECK(trimmed(podman({"ps", "-a", "-q"}).out) == "");
}

}  // namespace podman_rootless
}  // namespace ocirt::clients
