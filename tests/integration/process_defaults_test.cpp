// What the runtime fills in or applies beyond the config's literal values, as runc and crun do: HOME, a
// missing cwd, unknown capability names by spec version, the session keyring, podman's extras (kept groups,
// device owners in a user namespace, socket activation's LISTEN_PID) and the domainname sysctl check.
// Every fact is read back from inside the container.
#include <doctest/doctest.h>
#include <linux/keyctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "util/unique_fd.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

// Bundle rootfs files are hard links to the shared bundles/busybox tree: replace, never write through.
void replace_rootfs_file(const std::string& path, const std::string& text) {
    fs::remove(path);
    std::ofstream(path) << text;
}

std::string rootfs_of(const Bundle& bundle) { return bundle.path() + "/rootfs"; }

// /proc/keys (keyrings(7)): "serial flags usage expiry perm uid gid type description: summary".
struct KeyLine {
    std::string serial, perm, type, description;
};

std::vector<KeyLine> key_lines(const std::string& text) {
    std::vector<KeyLine> keys;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string w[9];
        for (auto& word : w) words >> word;
        if (w[8].empty()) continue;
        keys.push_back({w[0], w[4], w[7], w[8].substr(0, w[8].find(':'))});
    }
    return keys;
}

const KeyLine* find_key(const std::vector<KeyLine>& keys, const std::string& description) {
    for (const auto& k : keys)
        if (k.description == description) return &k;
    return nullptr;
}

bool has_serial(const std::vector<KeyLine>& keys, const std::string& serial) {
    for (const auto& k : keys)
        if (k.serial == serial) return true;
    return false;
}

std::string hex8(long value) {
    char text[16];
    std::snprintf(text, sizeof text, "%08lx", value);
    return text;
}

// The default config masks /proc/keys (it would show the host's keys the container may view); the
// keyring test reads it, so it is unmasked there.
void unmask_proc_keys(Bundle& bundle) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& path : bundle.config["linux"]["maskedPaths"])
        if (path != "/proc/keys") kept.push_back(path);
    bundle.config["linux"]["maskedPaths"] = kept;
}

// As userns_test does: the mapped root must reach the bundle, and a v1 cgroup mount needs no cgroup namespace.
void use_user_namespace(Bundle& bundle) {
    REQUIRE(::chmod(bundle.path().c_str(), 0755) == 0);
    drop_namespace(bundle, "cgroup");
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
}

}  // namespace

TEST_CASE("process defaults: HOME comes from the container's /etc/passwd for the uid, else /; an explicit HOME is kept") {
    Ocirt ocirt;
    struct Case {
        std::string name;
        uint32_t uid;
        std::vector<std::string> env;
        std::string home;
    };
    const std::vector<Case> cases = {
        {"root", 0, {"PATH=/bin"}, "/root"},
        {"listed user", 1000, {"PATH=/bin"}, "/home/app"},
        {"unlisted uid", 4242, {"PATH=/bin"}, "/"},
        {"explicit HOME", 1000, {"PATH=/bin", "HOME=/explicit"}, "/explicit"},
        {"empty HOME", 1000, {"PATH=/bin", "HOME="}, "/home/app"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        Bundle bundle;
        // An absolute symlink: followed on the host it would name a file that is not there.
        replace_rootfs_file(rootfs_of(bundle) + "/etc/passwd.real",
                   "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\n");
        fs::remove(rootfs_of(bundle) + "/etc/passwd");
        fs::create_symlink("/etc/passwd.real", rootfs_of(bundle) + "/etc/passwd");
        bundle.config["process"]["user"] = {{"uid", c.uid}, {"gid", c.uid}};
        bundle.config["process"]["env"] = c.env;
        auto r = run_script(ocirt, bundle, "echo \"HOME=$HOME\"; env | grep -c '^HOME='");
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out == "HOME=" + c.home + "\n1\n");
    }
}

TEST_CASE("process defaults: exec gets HOME from the container's /etc/passwd too, and keeps an explicit one") {
    Ocirt ocirt;
    Bundle bundle;
    replace_rootfs_file(rootfs_of(bundle) + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    bundle.config["process"]["env"] = {"PATH=/bin"};
    bundle.shell("exec sleep 1000");
    RunningContainer container(ocirt, bundle, "home-exec");
    auto root = ocirt({"exec", container.id(), "sh", "-c", "echo $HOME"});
    CHECK(root.exit_code == 0);
    CHECK(root.out == "/root\n");
    auto app = ocirt({"exec", "--user", "1000:1000", container.id(), "sh", "-c", "echo $HOME"});
    CHECK(app.exit_code == 0);
    CHECK(app.out == "/home/app\n");
    auto given = ocirt({"exec", "--env", "HOME=/given", container.id(), "sh", "-c", "echo $HOME"});
    CHECK(given.exit_code == 0);
    CHECK(given.out == "/given\n");
}

TEST_CASE("process defaults: a missing cwd is made inside the root (0755, owned by root) for create; exec fails on one") {
    Ocirt ocirt;
    Bundle bundle;
    // Not under /tmp, which the container covers with a tmpfs: what is made there stays visible in the rootfs.
    std::string outside = "/" + unique_id("ocirt-cwd-outside");
    // A symlink in the rootfs to an absolute path: resolved inside the root, never on the host.
    fs::create_symlink(outside, rootfs_of(bundle) + "/escape");
    bundle.config["process"]["cwd"] = "/work/deep/dir";
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    auto r = run_script(ocirt, bundle, "pwd; stat -c '%a %u %g' /work /work/deep /work/deep/dir");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "/work/deep/dir\n755 0 0\n755 0 0\n755 0 0\n");

    bundle.config["process"]["cwd"] = "/escape/sub";
    auto through_link = run_script(ocirt, bundle, "pwd");
    INFO(through_link.err);
    CHECK(through_link.exit_code == 0);
    CHECK(through_link.out == outside + "/sub\n");  // busybox pwd prints the path the link led to
    CHECK_FALSE(fs::exists(outside));
    CHECK(fs::is_directory(rootfs_of(bundle) + outside + "/sub"));

    // runc's exec does not make the cwd: chdir fails and so does exec.
    bundle.config["process"]["cwd"] = "/";
    bundle.shell("exec sleep 1000");
    RunningContainer container(ocirt, bundle, "cwd-exec");
    auto exec = ocirt({"exec", "--cwd", "/not/there", container.id(), "true"});
    CHECK(exec.exit_code == 1);
    CHECK(exec.err.find("chdir to cwd \"/not/there\"") != std::string::npos);
    CHECK(exec.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("process defaults: an unknown capability fails a 1.0.x config and is a warning from 1.1 on, also for exec --cap") {
    Ocirt ocirt;
    Bundle bundle;
    for (const char* set : {"bounding", "effective", "permitted"})
        bundle.config["process"]["capabilities"][set] = {"CAP_KILL", "CAP_NOT_A_THING"};

    bundle.config["ociVersion"] = "1.0.2";
    auto old = run_script(ocirt, bundle, "true");
    CHECK(old.exit_code == 1);
    CHECK(old.err.find("/process/capabilities/bounding/1: unknown capability \"CAP_NOT_A_THING\"") != std::string::npos);

    bundle.config["ociVersion"] = "1.1.0";
    auto newer = run_script(ocirt, bundle, "grep -E '^Cap(Eff|Bnd)' /proc/self/status");
    CHECK(newer.exit_code == 0);
    CHECK(newer.out == "CapEff:\t0000000000000020\nCapBnd:\t0000000000000020\n");
    CHECK(newer.err.find("warning: /process/capabilities/bounding/1: unknown capability \"CAP_NOT_A_THING\" (see capabilities(7)): ignored") !=
          std::string::npos);

    // With --log in JSON the warning is a line at level warning there.
    TempDir logs("ocirt-caplog");
    bundle.shell("true");
    bundle.write();
    auto logged = ocirt({"--log", logs.path() + "/log.json", "--log-format", "json", "run", "--bundle", bundle.path(), unique_id("caplog")});
    CHECK(logged.exit_code == 0);
    std::string log = read_file(logs.path() + "/log.json");
    CHECK(log.find("\"level\":\"warning\"") != std::string::npos);
    CHECK(log.find("/process/capabilities/effective/1: unknown capability") != std::string::npos);

    Bundle running;
    running.shell("exec sleep 1000");
    RunningContainer container(ocirt, running, "cap-exec");
    auto exec = ocirt({"exec", "--cap", "CAP_NOT_A_THING", container.id(), "true"});
    CHECK(exec.exit_code == 0);
    CHECK(exec.err.find("warning: /process/capabilities/bounding/") != std::string::npos);
    CHECK(exec.err.find("unknown capability \"CAP_NOT_A_THING\"") != std::string::npos);

    Bundle old_running;
    old_running.config["ociVersion"] = "1.0.2";
    old_running.shell("exec sleep 1000");
    RunningContainer old_container(ocirt, old_running, "cap-exec-old");
    auto old_exec = ocirt({"exec", "--cap", "CAP_NOT_A_THING", old_container.id(), "true"});
    CHECK(old_exec.exit_code == 1);
    CHECK(old_exec.err.find("unknown capability \"CAP_NOT_A_THING\"") != std::string::npos);
}

TEST_CASE("process defaults: the init and exec possess a session keyring _ses.<id>; --no-new-keyring keeps the caller's") {
    // This test process joins an anonymous session keyring of its own, which ocirt then inherits: without
    // one, a process that changes its uid falls back to that uid's user-session keyring (keyrings(7)).
    long own = ::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0);
    OCIRT_SKIP_IF(own < 0 && errno == ENOSYS, "this kernel has no keyrings (keyctl ENOSYS)");
    REQUIRE(own > 0);
    Ocirt ocirt;
    // The processes run as uid 1000: a keyring made by root (the init, before its uid changes) that is not
    // theirs shows in /proc/keys only when they possess it (keyrings(7): possessor permissions), i.e. when it
    // is their session keyring.
    Bundle bundle;
    unmask_proc_keys(bundle);
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    bundle.shell("cat /proc/keys; exec sleep 1000");
    RunningContainer container(ocirt, bundle, "keyring");
    std::string name = "_ses." + container.id();
    REQUIRE(eventually([&] { return container.out().find(name) != std::string::npos; }));
    auto keys = key_lines(container.out());
    const KeyLine* ring = find_key(keys, name);
    REQUIRE_MESSAGE(ring, container.out());
    CHECK(ring->type == "keyring");
    // runc's permission: KEY_USR_SEARCH (0x00080000) added, so exec finds it by name.
    CHECK((std::stoul(ring->perm, nullptr, 16) & 0x00080000u) != 0);
    CHECK_FALSE(has_serial(keys, hex8(own)));

    auto exec = ocirt({"exec", "--user", "1000:1000", container.id(), "cat", "/proc/keys"});
    REQUIRE(exec.exit_code == 0);
    auto exec_keys = key_lines(exec.out);
    const KeyLine* exec_ring = find_key(exec_keys, name);
    REQUIRE_MESSAGE(exec_ring, exec.out);
    CHECK(exec_ring->serial == ring->serial);
    CHECK_FALSE(has_serial(exec_keys, hex8(own)));

    Bundle kept;
    unmask_proc_keys(kept);
    kept.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    kept.shell("cat /proc/keys");
    kept.write();
    std::string kept_id = "keep-" + container.id();
    auto r = ocirt({"run", "--no-new-keyring", "--bundle", kept.path(), kept_id});
    REQUIRE(r.exit_code == 0);
    auto kept_keys = key_lines(r.out);
    CHECK(find_key(kept_keys, "_ses." + kept_id) == nullptr);
    CHECK_MESSAGE(has_serial(kept_keys, hex8(own)), r.out);
}

TEST_CASE("process defaults: run.oci.keep_original_groups keeps the caller's supplementary groups") {
    Ocirt ocirt;
    struct Case {
        std::string name;
        nlohmann::json annotations;
        std::vector<int> additional;
        std::string groups;
    };
    const std::vector<Case> cases = {
        {"annotation 1", {{"run.oci.keep_original_groups", "1"}}, {}, "Groups:\t4242 4343 \n"},
        {"annotation 1 and additionalGids", {{"run.oci.keep_original_groups", "1"}}, {5}, "Groups:\t4242 4343 \n"},
        {"annotation 0", {{"run.oci.keep_original_groups", "0"}}, {5}, "Groups:\t5 \n"},
        {"no annotation", nlohmann::json::object(), {}, "Groups:\t \n"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        Bundle bundle;
        bundle.config["annotations"] = c.annotations;
        bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}, {"additionalGids", c.additional}};
        bundle.shell("grep Groups /proc/self/status");
        bundle.write();
        auto r = run_program({"/usr/bin/setpriv", "--groups", "4242,4343", ocirt_binary(), "--root", ocirt.root(), "run",
                              "--bundle", bundle.path(), unique_id("groups")});
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(r.out == c.groups);
        bool warned = r.err.find("/process/user/additionalGids: not set") != std::string::npos;
        CHECK(warned == (c.name == "annotation 1 and additionalGids"));
    }
}

namespace {

// Whether open_tree(2) clones a path of a detached mount (fsmount(2)), which ocirt needs to give a user-namespaced
// container a device node the host does not have: Debian 12's Linux 6.1 refuses it (EINVAL), and ocirt then binds
// the host's node, as runc does.
bool kernel_clones_from_detached_mounts() {
    ocirt::UniqueFd context(::fsopen("tmpfs", FSOPEN_CLOEXEC));
    if (!context || ::fsconfig(context.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) return false;
    ocirt::UniqueFd dir(::fsmount(context.get(), FSMOUNT_CLOEXEC, 0));
    if (!dir || ::mkdirat(dir.get(), "d", 0700) < 0) return false;
    return static_cast<bool>(ocirt::UniqueFd(::open_tree(dir.get(), "d", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
}

}  // namespace

TEST_CASE("process defaults: in a new user namespace a device node the host has works; an unmapped owner is refused") {
    Ocirt ocirt;
    Bundle bundle;
    use_user_namespace(bundle);
    bundle.config["linux"]["devices"] = {{{"path", "/dev/zero"}, {"type", "c"}, {"major", 1}, {"minor", 5}, {"fileMode", 0666}}};
    auto r = run_script(ocirt, bundle, "stat -c '%F %t:%T' /dev/zero; head -c 3 /dev/zero | od -An -tx1");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "character special file 1:5\n 00 00 00\n");

    bundle.config["linux"]["devices"][0]["uid"] = 70000;
    bundle.shell("true");
    bundle.write();
    auto unmapped = ocirt({"run", "--bundle", bundle.path(), unique_id("unmapped-dev")});
    CHECK(unmapped.exit_code == 1);
    CHECK(unmapped.err.find("/linux/devices/0/uid: uid 70000 is not mapped by /linux/uidMappings") != std::string::npos);
}

TEST_CASE("process defaults: in a new user namespace a device node has the config's mode, uid and gid, and works") {
    OCIRT_SKIP_IF(!kernel_clones_from_detached_mounts(),
                  "this kernel's open_tree(2) refuses a detached mount (before Linux 6.x), so a node the host lacks "
                  "cannot be given to a user-namespaced container (ocirt binds the host's node, as runc does)");
    Ocirt ocirt;
    Bundle bundle;
    use_user_namespace(bundle);
    bundle.config["linux"]["devices"] = {
        {{"path", "/dev/owned"}, {"type", "c"}, {"major", 1}, {"minor", 5}, {"fileMode", 0640}, {"uid", 1000}, {"gid", 1001}}};
    // The node's owner reads it: mode 0640 lets nobody else (the config gives root no CAP_DAC_OVERRIDE).
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1001}};
    auto r = run_script(ocirt, bundle, "stat -c '%F %t:%T %a %u %g' /dev/owned; head -c 3 /dev/owned | od -An -tx1");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "character special file 1:5 640 1000 1001\n 00 00 00\n");
}

TEST_CASE("process defaults: socket activation without a PID namespace sets LISTEN_PID to the process's own pid") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-listen-pid");
    replace_rootfs_file(files.path() + "/three", "socket three\n");
    drop_namespace(bundle, "pid");
    bundle.shell("echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID pid=$$; cat <&3; exec sleep 1000");
    bundle.write();
    Spawn spawn;
    spawn.args = {"run", "-d", "--pid-file", files.path() + "/pid", "--bundle", bundle.path(), unique_id("listen-pid")};
    spawn.out_file = files.path() + "/out";
    spawn.err_file = files.path() + "/err";
    spawn.fd_files = {files.path() + "/three"};
    spawn.listen_fds = 1;
    Result run = run_ocirt_with_fds(ocirt, spawn);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    std::string pid = read_file(files.path() + "/pid");
    CHECK(eventually([&] {
        return read_file(spawn.out_file) == "LISTEN_FDS=1 LISTEN_PID=" + pid + " pid=" + pid + "\nsocket three\n";
    }));
}

TEST_CASE("process defaults: a kernel.domainname sysctl that contradicts domainname is refused naming both; an equal one is fine") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["domainname"] = "config.example";
    bundle.config["linux"]["sysctl"] = {{"kernel.domainname", "sysctl.example"}};
    auto r = run_script(ocirt, bundle, "true");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/sysctl/kernel.domainname: sysctl \"kernel.domainname\" = \"sysctl.example\" contradicts /domainname "
                     "\"config.example\"") != std::string::npos);

    bundle.config["linux"]["sysctl"] = {{"kernel.domainname", "config.example"}};
    auto same = run_script(ocirt, bundle, "cat /proc/sys/kernel/domainname");
    INFO(same.err);
    CHECK(same.exit_code == 0);
    CHECK(same.out == "config.example\n");
}
