// config-linux.md: namespaces, id mappings, devices, masked and read-only paths, propagation, sysctl,
// seccomp and personality, read back from inside the container. More in config_linux_*_cases.cpp and
// runtime_linux_cases.cpp.
// Skipped for config-linux.md as a whole: mountLabel (no SELinux on this host); intelRdt (no RDT
// hardware, no resctrl); "Default Filesystems" SHOULD (they come from the config's own mounts, which the
// runtime only mounts); a sysctl of a namespace the container does not own (the spec states no
// requirement); personality flags (none are defined).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "conformance.hpp"
#include "linux_support.hpp"

using namespace ocirt::conformance;
namespace fs = std::filesystem;

extern char** environ;

namespace {

// A process in new namespaces (util-linux unshare) whose /proc/PID/ns/* paths a container can join.
class NamespaceHolder {
public:
    explicit NamespaceHolder(const std::vector<std::string>& unshare_flags) {
        std::vector<std::string> argv = {"/usr/bin/unshare"};
        argv.insert(argv.end(), unshare_flags.begin(), unshare_flags.end());
        argv.insert(argv.end(), {"/bin/sleep", "60"});
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        for (int fd = 0; fd < 3; ++fd) posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", O_RDWR, 0);
        int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        REQUIRE(rc == 0);
    }
    ~NamespaceHolder() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    // Waits until unshare(1) has made the namespace, then returns its path.
    std::string path(const std::string& type) const {
        std::string p = "/proc/" + std::to_string(pid_) + "/ns/" + type;
        for (int i = 0; i < 100 && fs::read_symlink(p).string() == host_namespace(type); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        return p;
    }

private:
    pid_t pid_ = -1;
};

}  // namespace

TEST_CASE("config-linux.md#namespaces: each listed namespace is new, and a new pid namespace makes the process pid 1 [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    auto r = run_container(runtime, bundle,
                           "echo pid $$; for t in net ipc uts mnt pid; do echo $t $(readlink /proc/self/ns/$t); done");
    REQUIRE(r.exit_code == 0);
    CHECK(lines_with(r.out, "pid 1").size() == 1);
    for (const std::string type : {"net", "ipc", "uts", "mnt", "pid"}) {
        auto line = lines_with(r.out, type + " " + type + ":[");
        REQUIRE(line.size() == 1);
        CHECK(line[0] != type + " " + host_namespace(type));
    }
}

TEST_CASE("config-linux.md#namespaces: a namespace with a path is joined [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    NamespaceHolder holder({"--net", "--uts"});
    std::string net = holder.path("net");
    std::string uts = holder.path("uts");
    for (auto& ns : bundle.config["linux"]["namespaces"]) {
        if (ns["type"] == "network") ns["path"] = net;
        if (ns["type"] == "uts") ns["path"] = uts;
    }
    bundle.config.erase("hostname");
    auto r = run_container(runtime, bundle, "readlink /proc/self/ns/net; readlink /proc/self/ns/uts");
    CHECK(r.out == fs::read_symlink(net).string() + "\n" + fs::read_symlink(uts).string() + "\n");
}

TEST_CASE("config-linux.md#namespaces: a namespace type not listed is inherited from the runtime [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& ns : bundle.config["linux"]["namespaces"])
        if (ns["type"] != "network" && ns["type"] != "ipc") kept.push_back(ns);
    bundle.config["linux"]["namespaces"] = kept;
    auto r = run_container(runtime, bundle, "readlink /proc/self/ns/net; readlink /proc/self/ns/ipc");
    CHECK(r.out == host_namespace("net") + "\n" + host_namespace("ipc") + "\n");
}

TEST_CASE("config-linux.md#user-namespace-mappings: uid and gid mappings are written [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    // The mapped root (host uid 100000) must be able to reach the rootfs.
    fs::permissions(bundle.path(), fs::perms(0755));
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
    auto r = run_container(runtime, bundle, "cat /proc/self/uid_map /proc/self/gid_map; id -u");
    auto words_out = words(r.out);
    CHECK(words_out == std::vector<std::string>{"0", "100000", "65536", "0", "200000", "65536", "0"});
}

TEST_CASE("config-linux.md#devices: a listed device node is created with its type, numbers and mode [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["devices"] = {{{"path", "/dev/conformance-zero"}, {"type", "c"}, {"major", 1}, {"minor", 5},
                                          {"fileMode", 0640}, {"uid", 7}, {"gid", 8}}};
    auto r = run_container(runtime, bundle, "stat -c '%F %t:%T %a %u %g' /dev/conformance-zero");
    CHECK(r.out == "character special file 1:5 640 7 8\n");
}

TEST_CASE("config-linux.md#default-devices: the default devices exist in /dev [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    auto r = run_container(runtime, bundle,
                           "for d in null zero full random urandom tty; do stat -c '%n %F %t:%T' /dev/$d; done");
    CHECK(r.out ==
          "/dev/null character special file 1:3\n/dev/zero character special file 1:5\n"
          "/dev/full character special file 1:7\n/dev/random character special file 1:8\n"
          "/dev/urandom character special file 1:9\n/dev/tty character special file 5:0\n");
}

TEST_CASE("runtime-linux.md#dev-symbolic-links: /dev/fd, stdin, stdout and stderr link to /proc/self/fd [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    auto r = run_container(runtime, bundle, "for l in fd stdin stdout stderr; do echo $l $(readlink /dev/$l); done");
    CHECK(r.out == "fd /proc/self/fd\nstdin /proc/self/fd/0\nstdout /proc/self/fd/1\nstderr /proc/self/fd/2\n");
}

TEST_CASE("config-linux.md#masked-paths: masked files read empty and masked directories are empty [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    auto r = run_container(runtime, bundle, "echo file:$(wc -c < /proc/timer_list); echo dir:$(ls /sys/firmware | wc -l)");
    CHECK(r.out == "file:0\ndir:0\n");
}

TEST_CASE("config-linux.md#readonly-paths: read-only paths cannot be written [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    auto r = run_container(runtime, bundle, "{ echo x > /proc/sys/kernel/domainname; } 2>&1; grep ' /proc/sys ' /proc/self/mountinfo");
    CHECK(r.out.find("Read-only file system") != std::string::npos);
    CHECK(r.out.find(" /proc/sys ro") != std::string::npos);
}

TEST_CASE("config-linux.md#rootfs-mount-propagation: each rootfsPropagation shows on the root mount [MUST]") {
    // proc(5) mountinfo optional fields. A slave of a mount that has no peers shows no "master:" field, so
    // slave and private both show neither "shared:" nor "unbindable".
    const std::pair<const char*, const char*> cases[] = {
        {"shared", "shared:"}, {"slave", ""}, {"private", ""}, {"unbindable", "unbindable"}};
    for (const auto& [propagation, field] : cases) {
        CAPTURE(propagation);
        Runtime runtime;
        SpecBundle bundle;
        bundle.config["linux"]["rootfsPropagation"] = propagation;
        auto r = run_container(runtime, bundle, "awk '$5 == \"/\"' /proc/self/mountinfo");
        REQUIRE(r.exit_code == 0);
        std::string optional_fields = r.out.substr(0, r.out.find(" - "));
        if (*field) {
            CHECK(optional_fields.find(field) != std::string::npos);
        } else {
            CHECK(optional_fields.find("shared:") == std::string::npos);
            CHECK(optional_fields.find("unbindable") == std::string::npos);
        }
    }
}

TEST_CASE("config-linux.md#sysctl: sysctl values are written in the container's namespaces [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}, {"kernel.shmmni", "1234"}};
    auto r = run_container(runtime, bundle, "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni");
    CHECK(r.out == "1\n1234\n");
}

TEST_CASE("config-linux.md#seccomp: a syscall with SCMP_ACT_ERRNO fails with errnoRet [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"architectures", {"SCMP_ARCH_X86_64"}},
        {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}}}};
    auto r = run_container(runtime, bundle, "grep '^Seccomp:' /proc/self/status; mkdir /tmp/blocked 2>&1; echo rc=$?");
    CHECK(r.out.find("Seccomp:\t2") != std::string::npos);
    CHECK(r.out.find("Operation not permitted") != std::string::npos);
    CHECK(r.out.find("rc=1") != std::string::npos);
}

TEST_CASE("config-linux.md#personality: the LINUX domain gives the process the Linux personality even when the runtime runs as LINUX32 [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir output("conformance-personality");
    bundle.config["linux"]["personality"] = {{"domain", "LINUX"}};
    bundle.shell("uname -m");
    bundle.write();
    // setarch(8) linux32 runs the runtime with PER_LINUX32, which a process inherits unless it is set again.
    auto r = ocirt::test::run_program_to_files({"/usr/bin/setarch", "linux32", runtime_binary(), "--root", runtime.root(),
                                                "run", "--bundle", bundle.path(), ocirt::test::unique_id("conf")},
                                               output.path() + "/out", output.path() + "/err");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out == "x86_64\n");
}

TEST_CASE("config-linux.md#namespaces: a pid namespace path is joined: the process is not its init [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    NamespaceHolder holder({"--pid", "--fork"});
    // unshare(1) --fork: the new pid namespace is its child's, which /proc/PID/ns/pid_for_children names.
    std::string pid = holder.path("pid_for_children");
    for (auto& ns : bundle.config["linux"]["namespaces"])
        if (ns["type"] == "pid") ns["path"] = pid;
    auto r = run_container(runtime, bundle, "echo pid $$; readlink /proc/self/ns/pid");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto own_pid = lines_with(r.out, "pid ");
    REQUIRE(own_pid.size() == 1);
    CHECK(own_pid[0] != "pid 1");
    CHECK(lines_with(r.out, "pid:[") == std::vector<std::string>{fs::read_symlink(pid).string()});
}
