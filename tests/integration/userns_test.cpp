#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

// "         0     100000      65536\n" → "0 100000 65536"; lines joined by "\n".
std::string squeezed(const std::string& text) {
    std::istringstream lines(text);
    std::string out, line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string word, joined;
        while (words >> word) joined += (joined.empty() ? "" : " ") + word;
        if (!joined.empty()) out += (out.empty() ? "" : "\n") + joined;
    }
    return out;
}

// The words after "<name>:" in /proc/<pid>/status, e.g. "100000 100000 100000 100000" for Uid.
std::string status_field(pid_t pid, const std::string& name) {
    std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/status"));
    std::string line;
    while (std::getline(lines, line))
        if (line.rfind(name + ":", 0) == 0) return squeezed(line.substr(name.size() + 1));
    return "";
}

// Lines of "key=value" printed by a container's script; values with their blanks squeezed.
std::map<std::string, std::string> key_values(const std::string& out) {
    std::map<std::string, std::string> kv;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        auto eq = line.find('=');
        if (eq != std::string::npos) kv[line.substr(0, eq)] = squeezed(line.substr(eq + 1));
    }
    return kv;
}

void use_user_namespace(Bundle& bundle, uint32_t host_uid, uint32_t host_gid, uint32_t size) {
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", host_uid}, {"size", size}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", host_gid}, {"size", size}}};
}

// `create` with a pid file: the init waits on exec.fifo with its final credentials. Returns its pid.
pid_t create_and_read_pid(const Ocirt& ocirt, Bundle& bundle, const std::string& id) {
    TempDir files("ocirt-userns");
    bundle.write();
    std::string pid_file = files.path() + "/pid";
    auto r = run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", pid_file, id}, files.path() + "/out",
                          files.path() + "/err");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return static_cast<pid_t>(std::stol(read_file(pid_file)));
}

// A process in a new user namespace (uid and gid 0 → `host_id`, 65536 ids, maps written by the test as
// the parent) and in network, IPC and UTS namespaces made after it, so they are owned by it.
class HeldUserNamespace {
public:
    explicit HeldUserNamespace(uint32_t host_id) {
        int to_parent[2], to_child[2];
        REQUIRE(::pipe2(to_parent, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(to_child, O_CLOEXEC) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            int devnull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
            for (int fd = 0; fd <= 2; ++fd) ::dup2(devnull, fd);
            char c = 0;
            if (::unshare(CLONE_NEWUSER) < 0 || ::write(to_parent[1], "u", 1) != 1) ::_exit(1);
            if (::read(to_child[0], &c, 1) != 1) ::_exit(1);
            if (::unshare(CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS) < 0 || ::write(to_parent[1], "r", 1) != 1) ::_exit(1);
            for (;;) ::pause();
        }
        ::close(to_parent[1]);
        ::close(to_child[0]);
        char c = 0;
        REQUIRE(::read(to_parent[0], &c, 1) == 1);
        std::string map = "0 " + std::to_string(host_id) + " 65536\n";
        for (const char* file : {"uid_map", "gid_map"}) {
            std::ofstream out("/proc/" + std::to_string(pid_) + "/" + file);
            out << map;
            out.close();
            REQUIRE_MESSAGE(out.good(), "writing ", file);
        }
        REQUIRE(::write(to_child[1], "m", 1) == 1);
        REQUIRE(::read(to_parent[0], &c, 1) == 1);
        REQUIRE(c == 'r');
        ::close(to_parent[0]);
        ::close(to_child[1]);
    }
    ~HeldUserNamespace() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    std::string path(const std::string& type) const { return "/proc/" + std::to_string(pid_) + "/ns/" + type; }
    std::string inode(const std::string& type) const { return fs::read_symlink(path(type)).string(); }

private:
    pid_t pid_ = -1;
};

// A user made for one test with useradd (no home, no login) and removed with userdel afterwards.
class TemporaryUser {
public:
    TemporaryUser() {
        static std::atomic<int> counter{0};
        name_ = "ocirtrl" + std::to_string(::getpid()) + "x" + std::to_string(counter++);
        auto r = run_program({"/usr/sbin/useradd", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name_});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        uid_ = static_cast<uid_t>(std::stoul(run_program({"/usr/bin/id", "-u", name_}).out));
        gid_ = static_cast<gid_t>(std::stoul(run_program({"/usr/bin/id", "-g", name_}).out));
    }
    ~TemporaryUser() { run_program({"/usr/sbin/userdel", name_}); }
    const std::string& name() const { return name_; }
    uid_t uid() const { return uid_; }
    gid_t gid() const { return gid_; }

    // Runs ocirt as this user (setpriv(1)), with only PATH and XDG_RUNTIME_DIR in its environment.
    Result ocirt(const std::string& xdg_runtime_dir, const std::vector<std::string>& args) const {
        std::vector<std::string> argv = {"/usr/bin/env",
                                         "-i",
                                         "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                         "XDG_RUNTIME_DIR=" + xdg_runtime_dir,
                                         "/usr/bin/setpriv",
                                         "--reuid=" + std::to_string(uid_),
                                         "--regid=" + std::to_string(gid_),
                                         "--init-groups",
                                         ocirt_binary()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_program(argv);
    }

private:
    std::string name_;
    uid_t uid_ = 0;
    gid_t gid_ = 0;
};

// A bundle the user owns: `ocirt spec --rootless` run as the user, the busybox rootfs, and a script as
// process (no terminal). XDG_RUNTIME_DIR is a directory the user owns.
struct RootlessBundle {
    explicit RootlessBundle(const TemporaryUser& user) : user(user) {
        REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);
        REQUIRE(::chown(bundle.path().c_str(), user.uid(), user.gid()) == 0);
        REQUIRE(::chmod(runtime_dir.path().c_str(), 0700) == 0);
        REQUIRE(::chown(runtime_dir.path().c_str(), user.uid(), user.gid()) == 0);
        auto spec = user.ocirt(runtime_dir.path(), {"spec", "--rootless", "--bundle", bundle.path()});
        REQUIRE_MESSAGE(spec.exit_code == 0, spec.err);
        bundle.config = nlohmann::json::parse(read_file(bundle.path() + "/config.json"));
        bundle.config["process"]["terminal"] = false;
    }
    Result run(const std::string& script, const std::vector<std::string>& extra = {}) {
        bundle.shell(script);
        bundle.write();
        std::vector<std::string> args = {"run", "--bundle", bundle.path()};
        args.insert(args.end(), extra.begin(), extra.end());
        return user.ocirt(runtime_dir.path(), args);
    }
    std::string state_root() const { return runtime_dir.path() + "/ocirt"; }

    const TemporaryUser& user;
    Bundle bundle;
    TempDir runtime_dir{"ocirt-xdg"};
};

}  // namespace

TEST_CASE("userns: container root is host uid 100000 (maps, id and ownership inside; status outside)") {
    Ocirt ocirt;
    Bundle bundle;
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);  // the rootfs must be reachable by host uid 100000
    use_user_namespace(bundle, 100000, 100000, 65536);
    TempDir shared("ocirt-userns-shared");
    REQUIRE(::chmod(shared.path().c_str(), 0777) == 0);
    bundle.config["mounts"].push_back({{"destination", "/home"}, {"type", "bind"}, {"source", shared.path()}, {"options", {"rbind", "rw"}}});

    auto r = run_script(ocirt, bundle,
                        "echo uid_map=$(cat /proc/self/uid_map); echo gid_map=$(cat /proc/self/gid_map); "
                        "echo id=$(id -u):$(id -g); echo bin=$(stat -c %u:%g /bin); echo dev=$(stat -c %u:%g /dev); "
                        "touch /home/made-inside && echo shared=$(stat -c %u:%g /home/made-inside)");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto inside = key_values(r.out);
    CHECK(inside["uid_map"] == "0 100000 65536");
    CHECK(inside["gid_map"] == "0 100000 65536");
    CHECK(inside["id"] == "0:0");
    CHECK(inside["bin"] == "65534:65534");  // owned by host root, which the namespace does not map
    CHECK(inside["dev"] == "0:0");          // a tmpfs the container's root mounted
    CHECK(inside["shared"] == "0:0");
    struct stat st {};
    REQUIRE(::stat((shared.path() + "/made-inside").c_str(), &st) == 0);
    CHECK(st.st_uid == 100000);
    CHECK(st.st_gid == 100000);

    std::string id = unique_id("userns");
    bundle.shell("true");
    pid_t pid = create_and_read_pid(ocirt, bundle, id);
    CHECK(status_field(pid, "Uid") == "100000 100000 100000 100000");
    CHECK(status_field(pid, "Gid") == "100000 100000 100000 100000");
    CHECK(squeezed(read_file("/proc/" + std::to_string(pid) + "/uid_map")) == "0 100000 65536");
    CHECK(fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/user") != host_namespace("user"));
    CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
}

TEST_CASE("userns: process.user is a uid of the namespace, seen as its mapped host uid outside") {
    Ocirt ocirt;
    Bundle bundle;
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);
    use_user_namespace(bundle, 100000, 100000, 65536);
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}, {"additionalGids", {5}}};
    auto r = run_script(ocirt, bundle, "echo id=$(id -u):$(id -g); echo groups=$(id -G)");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto inside = key_values(r.out);
    CHECK(inside["id"] == "1000:1000");
    CHECK(inside["groups"] == "1000 5");

    std::string id = unique_id("userns-user");
    bundle.shell("true");
    pid_t pid = create_and_read_pid(ocirt, bundle, id);
    CHECK(status_field(pid, "Uid") == "101000 101000 101000 101000");
    CHECK(status_field(pid, "Groups") == "100005");
}

TEST_CASE("userns: a map the kernel refuses is an error naming the mapping, and nothing is left behind") {
    Ocirt ocirt;
    Bundle bundle;
    use_user_namespace(bundle, 100000, 100000, 65536);
    // user_namespaces(7): ranges that overlap inside the namespace are refused with EINVAL.
    bundle.config["linux"]["uidMappings"].push_back({{"containerID", 10}, {"hostID", 300000}, {"size", 10}});
    bundle.write();
    std::string id = unique_id("userns-bad");
    auto r = ocirt({"create", "--bundle", bundle.path(), id});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/uidMappings: the kernel refused uid_map \"0 100000 65536;10 300000 10\": Invalid argument") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named(id).empty());
    CHECK(processes_mentioning(id).empty());

    bundle.config["linux"]["uidMappings"].erase(1);
    bundle.config["linux"]["gidMappings"].push_back({{"containerID", 5}, {"hostID", 300000}, {"size", 1}});
    bundle.write();
    r = ocirt({"create", "--bundle", bundle.path(), id});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/gidMappings: the kernel refused gid_map") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
}

TEST_CASE("userns: a user namespace joined by path, first, with network, IPC and UTS namespaces it owns") {
    HeldUserNamespace holder(200000);
    Ocirt ocirt;
    Bundle bundle;
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);
    // Listed last: the runtime joins the user namespace before the others, or joining them would fail.
    bundle.config["linux"]["namespaces"] = {
        {{"type", "network"}, {"path", holder.path("net")}},
        {{"type", "ipc"}, {"path", holder.path("ipc")}},
        {{"type", "uts"}, {"path", holder.path("uts")}},
        {{"type", "pid"}},
        {{"type", "mount"}},
        {{"type", "cgroup"}},
        {{"type", "user"}, {"path", holder.path("user")}},
    };
    auto r = run_script(ocirt, bundle,
                        "for t in user net ipc uts; do echo $t=$(readlink /proc/self/ns/$t); done; "
                        "echo uid_map=$(cat /proc/self/uid_map); echo id=$(id -u):$(id -g); echo hostname=$(hostname)");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto inside = key_values(r.out);
    for (const char* t : {"user", "net", "ipc", "uts"}) {
        INFO("namespace " << t);
        CHECK(inside[t] == holder.inode(t));
        CHECK(inside[t] != host_namespace(t));
    }
    CHECK(inside["uid_map"] == "0 200000 65536");
    CHECK(inside["id"] == "0:0");
    CHECK(inside["hostname"] == "ocirt-busybox");

    std::string id = unique_id("userns-join");
    bundle.shell("true");
    pid_t pid = create_and_read_pid(ocirt, bundle, id);
    CHECK(status_field(pid, "Uid") == "200000 200000 200000 200000");
    CHECK(fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/user").string() == holder.inode("user"));
}

TEST_CASE("rootless: an unprivileged user runs the spec --rootless bundle; state under $XDG_RUNTIME_DIR/ocirt") {
    TemporaryUser user;
    RootlessBundle rootless(user);
    std::string id = unique_id("rootless");
    auto r = rootless.run("cat /proc/self/uid_map /proc/self/gid_map; echo id=$(id -u):$(id -g)", {"--keep", id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(squeezed(r.out) == "0 " + std::to_string(user.uid()) + " 1\n0 " + std::to_string(user.gid()) + " 1\nid=0:0");
    CHECK(cgroups_named(id).empty());

    std::string state_file = rootless.state_root() + "/" + id + "/state.json";
    REQUIRE(fs::exists(state_file));
    struct stat st {};
    REQUIRE(::stat(state_file.c_str(), &st) == 0);
    CHECK(st.st_uid == user.uid());
    auto state = user.ocirt(rootless.runtime_dir.path(), {"state", id});
    REQUIRE_MESSAGE(state.exit_code == 0, state.err);
    CHECK(nlohmann::json::parse(state.out)["status"] == "stopped");
    auto removed = user.ocirt(rootless.runtime_dir.path(), {"delete", id});
    CHECK_MESSAGE(removed.exit_code == 0, removed.err);
    CHECK_FALSE(fs::exists(rootless.state_root() + "/" + id));
}

TEST_CASE("rootless: what an unprivileged user cannot have is a clear error, and nothing is left behind") {
    TemporaryUser user;
    RootlessBundle rootless(user);
    std::string id = unique_id("rootless-bad");

    auto& linux_config = rootless.bundle.config["linux"];
    linux_config["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    auto r = rootless.run("true", {id});
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(r.err.find("/linux/uidMappings: the kernel refused uid_map \"0 100000 65536\"") != std::string::npos, r.err);
    CHECK(r.err.find("only its own id") != std::string::npos);
    CHECK(r.err.find("Operation not permitted") != std::string::npos);
    CHECK_FALSE(fs::exists(rootless.state_root() + "/" + id));

    linux_config["uidMappings"] = {{{"containerID", 0}, {"hostID", user.uid()}, {"size", 1}}};
    linux_config["resources"] = {{"pids", {{"limit", 10}}}};
    r = rootless.run("true", {id});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/resources: cannot be applied") != std::string::npos);
    CHECK_FALSE(fs::exists(rootless.state_root() + "/" + id));
    CHECK(processes_mentioning(id).empty());
}

// cgroup_namespaces(7): a user namespace may mount a cgroup filesystem only in a cgroup namespace it owns.
// Without one (podman --uidmap), each hierarchy's directory of the container's cgroup is bound: on a v1 host
// one per hierarchy, on a cgroup v2 host the one cgroup2 directory at /sys/fs/cgroup.
TEST_CASE("userns: without a cgroup namespace the cgroup mount shows the container's own cgroups") {
    const bool v2_only = lacking_v2_only_host().empty();
    OCIRT_SKIP_IF(!v2_only && v1_mount("pids").empty(), "no v1 pids hierarchy, and cgroup2 is not the only hierarchy");
    Ocirt ocirt;
    Bundle bundle;
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);
    use_user_namespace(bundle, 100000, 100000, 65536);
    drop_namespace(bundle, "cgroup");
    bundle.config["linux"]["resources"]["pids"] = {{"limit", 55}};
    const std::string dir = v2_only ? "/sys/fs/cgroup" : "/sys/fs/cgroup/pids";
    auto r = run_script(ocirt, bundle,
                        "cat " + dir + "/pids.max; grep ' " + dir + " ' /proc/self/mountinfo | cut -d' ' -f4,6; touch " +
                            dir + "/x 2>/dev/null || echo read-only");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::stringstream lines(r.out);
    std::string limit, mount, read_only;
    std::getline(lines, limit);
    std::getline(lines, mount);
    std::getline(lines, read_only);
    CHECK(limit == "55");
    CHECK(mount.rfind("/ ", 0) != 0);  // the bind's root is the container's cgroup, not the hierarchy's root
    CHECK(mount.find(" ro,") != std::string::npos);
    CHECK(read_only == "read-only");
}

// A host source under a directory that only the host's root may enter (mode 0700): the container's root is
// host uid 100000 and cannot traverse it, so the source is cloned by the runtime before the init enters the
// user namespace (runc and crun bind such sources through an fd of their own too).
TEST_CASE("userns: a bind of a host directory the container's ids cannot traverse works, read back inside") {
    Ocirt ocirt;
    Bundle bundle;
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);
    use_user_namespace(bundle, 100000, 100000, 65536);
    TempDir hidden("ocirt-userns-hidden");
    REQUIRE((fs::status(hidden.path()).permissions() & fs::perms::others_exec) == fs::perms::none);
    fs::create_directory(hidden.path() + "/data");
    fs::permissions(hidden.path() + "/data", fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                                 fs::perms::others_read | fs::perms::others_exec);
    std::ofstream(hidden.path() + "/data/file") << "seen through the runtime's clone\n";
    fs::permissions(hidden.path() + "/data/file", fs::perms::owner_read | fs::perms::owner_write |
                                                      fs::perms::group_read | fs::perms::others_read);
    std::ofstream(hidden.path() + "/single") << "a file bound alone\n";
    fs::permissions(hidden.path() + "/single", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    bundle.config["mounts"].push_back(
        {{"destination", "/tmp/data"}, {"type", "bind"}, {"source", hidden.path() + "/data"}, {"options", {"rbind", "ro"}}});
    bundle.config["mounts"].push_back(
        {{"destination", "/tmp/single"}, {"type", "bind"}, {"source", hidden.path() + "/single"}, {"options", {"bind"}}});
    // Under the container's own tmpfs: its root may make the mount points there, not in the host-owned rootfs.
    auto r = run_script(ocirt, bundle, "cat /tmp/data/file /tmp/single; touch /tmp/data/x 2>/dev/null || echo read-only");
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    CHECK(r.out == "seen through the runtime's clone\na file bound alone\nread-only\n");
    CHECK(read_file("/proc/self/mountinfo").find(hidden.path()) == std::string::npos);
}
