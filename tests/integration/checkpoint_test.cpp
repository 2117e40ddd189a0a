// checkpoint and restore through CRIU. The cases named "checkpoint and restore:" need a kernel CRIU runs on
// (criu check passes): Debian's 6.1 in tools/testvm's guests (ctest testvm-smoke runs them there); on this
// project's 6.18 host criu 3.17 stops at its vDSO check, where they skip with criu's reason and the
// "checkpoint:" case checks that ocirt fails at once and leaves the container running.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../support/skip.hpp"
#include "apparmor_profile.hpp"
#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"
#include "util/unique_fd.hpp"

using namespace ocirt::test;
using ocirt::UniqueFd;
namespace fs = std::filesystem;

namespace {

struct CriuCheck {
    bool works = false;
    std::string reason;  // criu check's last line when it fails
};

const CriuCheck& criu_check() {
    static const CriuCheck check = [] {
        Result r = run_program({"/usr/sbin/criu", "check"});
        std::string text = r.err.empty() ? r.out : r.err;
        while (!text.empty() && text.back() == '\n') text.pop_back();
        // Its first error says why; the lines after it say what could not go on.
        size_t error = text.find("Error (");
        std::string first = error == std::string::npos ? text : text.substr(error, text.find('\n', error) - error);
        return CriuCheck{r.exit_code == 0, "criu check fails on this kernel: " + first};
    }();
    return check;
}

// Counts up every 0.1 s into /tmp/count and onto stdout.
constexpr const char* kCounter = "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; echo $i; sleep 0.1; done";

std::vector<std::string> ocirt_args(const Ocirt& ocirt, std::vector<std::string> args) {
    args.insert(args.begin(), {ocirt_binary(), "--root", ocirt.root()});
    return args;
}

// `ocirt run -d` of the counter with pipes as its stdio, as a shim or conmon starts a container (CRIU
// cannot dump a descriptor of a file outside the container's mounts, such as the test's own files).
PipedProcess start_counter(const Ocirt& ocirt, Bundle& bundle, const std::string& id) {
    bundle.shell(kCounter);
    bundle.write();
    PipedProcess p = spawn_with_pipes(ocirt_args(ocirt, {"run", "-d", "--bundle", bundle.path(), id}));
    int code = wait_exit_code(p.pid);
    INFO("run -d: " << p.read_err());
    REQUIRE(code == 0);
    return p;
}

nlohmann::json state_of(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"state", id});
    if (r.exit_code != 0) return nullptr;
    return nlohmann::json::parse(r.out);
}

pid_t pid_of(const Ocirt& ocirt, const std::string& id) {
    nlohmann::json state = state_of(ocirt, id);
    return state.is_object() ? state.value("pid", 0) : 0;
}

// The counter's value as the container's own /tmp has it; -1 when it cannot be read.
int count_in(pid_t pid) {
    std::string text = read_file("/proc/" + std::to_string(pid) + "/root/tmp/count");
    try {
        return std::stoi(text);
    } catch (...) {
        return -1;
    }
}

// Waits until the counter has gone past `value`.
bool counts_past(pid_t pid, int value) {
    return eventually([&] { return count_in(pid) > value; }, 10000);
}

// A counter container running, named `prefix`-..., that has counted a few steps.
struct Counter {
    std::string id;
    PipedProcess stdio;
    pid_t pid = 0;
};

Counter counting(const Ocirt& ocirt, Bundle& bundle, const std::string& prefix) {
    Counter c;
    c.id = unique_id(prefix);
    c.stdio = start_counter(ocirt, bundle, c.id);
    c.pid = pid_of(ocirt, c.id);
    REQUIRE(counts_past(c.pid, 3));
    return c;
}

// TCP sockets in `pid`'s network namespace in state ESTABLISHED (01 in the st column of /proc/net/tcp, and of
// tcp6, where a socket accepted on a dual-stack listener is).
int established_connections(pid_t pid) {
    int established = 0;
    for (const char* file : {"tcp", "tcp6"}) {
        std::istringstream table(read_file("/proc/" + std::to_string(pid) + "/net/" + file));
        std::string line;
        std::getline(table, line);  // the header
        while (std::getline(table, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            if (fields >> slot >> local >> remote >> state && state == "01") ++established;
        }
    }
    return established;
}

Result checkpoint(const Ocirt& ocirt, const std::string& id, const std::string& images, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"checkpoint", "--image-path", images};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(id);
    return ocirt(args);
}

PipedProcess restore_detached(const Ocirt& ocirt, const Bundle& bundle, const std::string& id, const std::string& images,
                              std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"restore", "-d", "--bundle", bundle.path(), "--image-path", images};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(id);
    return spawn_with_pipes(ocirt_args(ocirt, args));
}

// The count in /tmp/count only: a process whose stdout is a terminal nobody reads would block on it.
constexpr const char* kQuietCounter = "i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done";

// A pty of the host's devpts whose peer is opened without becoming anyone's controlling terminal.
struct TestPty {
    UniqueFd master;
    UniqueFd peer;
};

TestPty open_test_pty() {
    TestPty pty;
    pty.master = UniqueFd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    REQUIRE(pty.master);
    REQUIRE(::grantpt(pty.master.get()) == 0);
    REQUIRE(::unlockpt(pty.master.get()) == 0);
    pty.peer = UniqueFd(::open(::ptsname(pty.master.get()), O_RDWR | O_NOCTTY | O_CLOEXEC));
    REQUIRE(pty.peer);
    return pty;
}

dev_t device_of(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_rdev : 0;
}

// The file /cr_holder in the container: the static helper that holds a flock or an outside socket.
void add_holder(Bundle& bundle, std::vector<std::string> args) {
    bundle.config["mounts"].push_back(
        {{"destination", "/cr_holder"}, {"type", "bind"}, {"source", OCIRT_CR_HOLDER}, {"options", {"bind", "ro"}}});
    args.insert(args.begin(), "/cr_holder");
    bundle.config["process"]["args"] = args;
}

// `ocirt run -d` of the bundle as written, stdio on pipes; the container's pid once it counts.
pid_t run_counting(const Ocirt& ocirt, const Bundle& bundle, const std::string& id, PipedProcess& stdio) {
    stdio = spawn_with_pipes(ocirt_args(ocirt, {"run", "-d", "--bundle", bundle.path(), id}));
    int code = wait_exit_code(stdio.pid);
    INFO("run -d: " << stdio.read_err());
    REQUIRE(code == 0);
    pid_t pid = pid_of(ocirt, id);
    REQUIRE(counts_past(pid, 3));
    return pid;
}

// A shell on a terminal, run with a console socket, that set remembered=42 and was then checkpointed into
// `dir`/img (the container is gone, as after any checkpoint).
void dump_terminal_shell(const Ocirt& ocirt, Bundle& bundle, const std::string& id, const std::string& dir) {
    bundle.config["process"]["terminal"] = true;
    bundle.config["process"]["args"] = {"/bin/sh"};
    bundle.write();
    ConsoleReceiver console;
    REQUIRE(run_to_files(ocirt, {"run", "-d", "--console-socket", console.path(), "--bundle", bundle.path(), id}, dir + "/out",
                         dir + "/err").exit_code == 0);
    std::string payload;
    UniqueFd master(console.receive_master(payload));
    REQUIRE(master);
    CHECK(converse(master.get(), "remembered=42; echo RE\"\"ADY", "READY").find("READY") != std::string::npos);
    Result dumped = checkpoint(ocirt, id, dir + "/img");
    INFO("checkpoint: " << dumped.err);
    REQUIRE(dumped.exit_code == 0);
}

// `restore -d` of `images` into container `id`, which must succeed; the restored init's pid.
pid_t restored_pid(const Ocirt& ocirt, const Bundle& bundle, const std::string& id, const std::string& images,
                   std::vector<std::string> extra = {}) {
    PipedProcess restored = restore_detached(ocirt, bundle, id, images, std::move(extra));
    int code = wait_exit_code(restored.pid);
    INFO("restore: " << restored.read_err());
    REQUIRE(code == 0);
    return pid_of(ocirt, id);
}

// A checkpoint of `id` into `dir`/refused without `flag` fails naming `refusal` and leaves the container
// running; with it, the dump into `dir`/img succeeds.
void dump_needing(const Ocirt& ocirt, const std::string& id, const std::string& dir, const std::string& flag, const std::string& refusal) {
    Result refused = checkpoint(ocirt, id, dir + "/refused");
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find(refusal) != std::string::npos);
    CHECK(state_of(ocirt, id).value("status", "") == "running");
    Result dumped = checkpoint(ocirt, id, dir + "/img", {flag});
    INFO("checkpoint: " << dumped.err);
    REQUIRE(dumped.exit_code == 0);
}

}  // namespace

TEST_CASE("checkpoint: where CRIU cannot run, checkpoint fails at once with CRIU's reason and the container runs on") {
    OCIRT_SKIP_IF(criu_check().works, "criu works on this kernel: the \"checkpoint and restore:\" cases run instead");
    Ocirt ocirt;
    Bundle bundle;
    Counter counter = counting(ocirt, bundle, "cr-fail");
    const std::string& id = counter.id;
    pid_t pid = counter.pid;
    TempDir images("ocirt-cr-images");
    Result r = checkpoint(ocirt, id, images.path() + "/img");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("criu dump failed") != std::string::npos);
    // CRIU's own words, and where its log is.
    CHECK(r.err.find("Error (criu/") != std::string::npos);
    CHECK(r.err.find("(log: " + images.path() + "/img/dump.log)") != std::string::npos);
    CHECK(state_of(ocirt, id).value("status", "") == "running");
    CHECK(pid_of(ocirt, id) == pid);
    CHECK(counts_past(pid, count_in(pid)));
}

TEST_CASE("checkpoint: refused before CRIU runs: a created or unknown container, a bad cgroup mode, a namespace CRIU cannot empty") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 100");
    bundle.write();
    TempDir files("ocirt-cr-refused");
    std::string id = unique_id("cr-created");
    REQUIRE(run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/out", files.path() + "/err").exit_code == 0);

    Result created = checkpoint(ocirt, id, files.path() + "/img");
    CHECK(created.exit_code == 1);
    CHECK(created.err.find("is created, not running") != std::string::npos);
    CHECK_FALSE(fs::exists(files.path() + "/img"));

    Result unknown = checkpoint(ocirt, "no-such-container", files.path() + "/img");
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("does not exist") != std::string::npos);

    REQUIRE(ocirt({"start", id}).exit_code == 0);
    Result mode = checkpoint(ocirt, id, files.path() + "/img", {"--manage-cgroups-mode", "sometimes"});
    CHECK(mode.exit_code == 1);
    CHECK(mode.err.find("--manage-cgroups-mode \"sometimes\": must be soft, full, strict or ignore") != std::string::npos);
    Result empty_ns = checkpoint(ocirt, id, files.path() + "/img", {"--empty-ns", "ipc"});
    CHECK(empty_ns.exit_code == 1);
    CHECK(empty_ns.err.find("only the network namespace") != std::string::npos);
    CHECK(state_of(ocirt, id).value("status", "") == "running");
}

TEST_CASE("restore: a missing image path fails before the container exists, and leaves nothing") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 100");
    bundle.write();
    std::string id = unique_id("cr-noimg");
    Result r = ocirt({"restore", "-d", "--bundle", bundle.path(), "--image-path", "/nonexistent/images", id});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("image path: open \"/nonexistent/images\": No such file or directory") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("checkpoint and restore: a counter is checkpointed, killed, restored and counts on, in its cgroup, with its pid file and its output on the new pipes") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["cgroupsPath"] = "/ocirt-test/" + unique_id("cr-cg");
    std::string cgroups_path = bundle.config["linux"]["cgroupsPath"];
    Counter counter = counting(ocirt, bundle, "cr");
    const std::string& id = counter.id;
    pid_t pid = counter.pid;
    TempDir images("ocirt-cr-images");
    std::string image = images.path() + "/img";

    int at_dump = count_in(pid);
    // Work paths apart from the image path, as podman gives them: CRIU's logs go there.
    Result dumped = checkpoint(ocirt, id, image, {"--work-path", images.path() + "/work-dump"});
    INFO("checkpoint: " << dumped.err);
    REQUIRE(dumped.exit_code == 0);
    CHECK(fs::exists(images.path() + "/work-dump/dump.log"));
    // CRIU killed the tree; the container is deleted as runc deletes it.
    CHECK(eventually([&] { return !process_exists(pid); }));
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(fs::exists(image + "/inventory.img"));
    CHECK(fs::exists(image + "/descriptors.json"));

    std::string pid_file = images.path() + "/restored.pid";
    PipedProcess restored =
        restore_detached(ocirt, bundle, id, image, {"--pid-file", pid_file, "--work-path", images.path() + "/work-restore"});
    int code = wait_exit_code(restored.pid);
    INFO("restore: " << restored.read_err());
    REQUIRE(code == 0);
    CHECK(fs::exists(images.path() + "/work-restore/restore.log"));
    nlohmann::json state = state_of(ocirt, id);
    CHECK(state.value("status", "") == "running");
    pid_t new_pid = state.value("pid", 0);
    CHECK(new_pid > 0);
    CHECK(read_file(pid_file) == std::to_string(new_pid));
    // It goes on from where it was dumped, not from 1.
    int first = count_in(new_pid);
    CHECK(first >= at_dump);
    CHECK(counts_past(new_pid, first));
    // Its stdout is the pipe restore was given.
    std::string out;
    CHECK(eventually([&] { out += restored.read_out(); return out.find('\n') != std::string::npos; }));
    CHECK(std::stoi(out.substr(0, out.find('\n'))) >= at_dump);
    CHECK(read_file("/proc/" + std::to_string(new_pid) + "/cgroup").find(expected_cgroup(cgroups_path)) != std::string::npos);
    // PID 1 of its own PID namespace again.
    CHECK(read_file("/proc/" + std::to_string(new_pid) + "/status").find("NSpid:\t" + std::to_string(new_pid) + "\t1\n") != std::string::npos);

    CHECK(ocirt({"delete", "-f", id}).exit_code == 0);
    CHECK(eventually([&] { return !process_exists(new_pid); }));
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("checkpoint and restore: --leave-running keeps the container; its image restores the count it had then") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    Counter counter = counting(ocirt, bundle, "cr-leave");
    const std::string& id = counter.id;
    pid_t pid = counter.pid;
    TempDir images("ocirt-cr-images");
    std::string image = images.path() + "/img";

    int before_dump = count_in(pid);
    Result dumped = checkpoint(ocirt, id, image, {"--leave-running"});
    INFO("checkpoint: " << dumped.err);
    REQUIRE(dumped.exit_code == 0);
    CHECK(state_of(ocirt, id).value("status", "") == "running");
    CHECK(pid_of(ocirt, id) == pid);
    int after_dump = count_in(pid);
    CHECK(counts_past(pid, after_dump + 20));  // two seconds on

    int before_delete = count_in(pid);
    REQUIRE(ocirt({"delete", "-f", id}).exit_code == 0);
    pid_t new_pid = restored_pid(ocirt, bundle, id, image);
    int first = count_in(new_pid);
    // From the dump's count, not from where it was deleted.
    CHECK(first >= before_dump);
    CHECK(first <= after_dump + 1);
    CHECK(first < before_delete);
    CHECK(counts_past(new_pid, first));
}

TEST_CASE("checkpoint and restore: a pre-dump, then a dump on top of it with --parent-path, restores") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    Counter counter = counting(ocirt, bundle, "cr-pre");
    const std::string& id = counter.id;
    pid_t pid = counter.pid;
    TempDir images("ocirt-cr-images");

    Result pre = checkpoint(ocirt, id, images.path() + "/pre", {"--pre-dump"});
    INFO("pre-dump: " << pre.err);
    REQUIRE(pre.exit_code == 0);
    CHECK(state_of(ocirt, id).value("status", "") == "running");
    CHECK(counts_past(pid, count_in(pid)));

    Result dump = checkpoint(ocirt, id, images.path() + "/dump", {"--parent-path", "../pre"});
    INFO("dump: " << dump.err);
    REQUIRE(dump.exit_code == 0);
    CHECK(fs::is_symlink(images.path() + "/dump/parent"));
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));

    pid_t new_pid = restored_pid(ocirt, bundle, id, images.path() + "/dump");
    CHECK(counts_past(new_pid, count_in(new_pid)));
}

TEST_CASE("checkpoint and restore: restore runs the prestart and createRuntime hooks with the restored pid, and poststart after") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-cr-hooks");
    Counter counter = counting(ocirt, bundle, "cr-hooks");
    const std::string& id = counter.id;
    std::string image = files.path() + "/img";
    REQUIRE(checkpoint(ocirt, id, image).exit_code == 0);

    for (const char* point : {"prestart", "createRuntime", "poststart"})
        bundle.config["hooks"][point] = {{{"path", "/bin/sh"},
                                          {"args", {"sh", "-c", std::string("cat > ") + files.path() + "/" + point}}}};
    bundle.write();
    pid_t new_pid = restored_pid(ocirt, bundle, id, image);
    for (const char* point : {"prestart", "createRuntime", "poststart"}) {
        INFO(point);
        nlohmann::json state = nlohmann::json::parse(read_file(files.path() + "/" + point), nullptr, false);
        REQUIRE(state.is_object());
        CHECK(state.value("pid", 0) == new_pid);
        CHECK(state.value("id", "") == id);
    }
}

TEST_CASE("restore: linux.netDevices is refused by its pointer before CRIU runs, and leaves nothing") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 100");
    bundle.config["linux"]["netDevices"] = {{"veth-none", nlohmann::json::object()}};
    bundle.write();
    TempDir images("ocirt-cr-netdev");
    std::string id = unique_id("cr-netdev");
    Result r = ocirt({"restore", "-d", "--bundle", bundle.path(), "--image-path", images.path(), id});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("/linux/netDevices: restore cannot move host devices") != std::string::npos);
    CHECK_FALSE(fs::exists(images.path() + "/restore.log"));
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("checkpoint: features and --version report checkpoint support") {
    Ocirt ocirt;
    Result features = ocirt({"features"});
    REQUIRE(features.exit_code == 0);
    CHECK(nlohmann::json::parse(features.out)["annotations"].value("io.github.ocirt.checkpoint.enabled", "") == "true");
    Result version = ocirt({"--version"});
    CHECK(version.exit_code == 0);
    CHECK(version.out.find("\ncheckpoint: criu\n") != std::string::npos);
}

TEST_CASE("checkpoint and restore: restore in the foreground waits for the restored init, exits with its status and deletes the container") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    Counter counter = counting(ocirt, bundle, "cr-fg");
    const std::string& id = counter.id;
    TempDir images("ocirt-cr-images");
    REQUIRE(checkpoint(ocirt, id, images.path() + "/img").exit_code == 0);

    PipedProcess restore = spawn_with_pipes(
        ocirt_args(ocirt, {"restore", "--bundle", bundle.path(), "--image-path", images.path() + "/img", id}));
    REQUIRE(eventually([&] { return state_of(ocirt, id).is_object() && state_of(ocirt, id).value("status", "") == "running"; }, 20000));
    pid_t new_pid = pid_of(ocirt, id);
    CHECK(counts_past(new_pid, count_in(new_pid)));
    CHECK(::kill(restore.pid, 0) == 0);  // still waiting
    REQUIRE(ocirt({"kill", id, "KILL"}).exit_code == 0);
    CHECK(wait_exit_code(restore.pid) == 137);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("checkpoint and restore: an established TCP connection needs --tcp-established, and with it both ends are restored") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    std::string id = unique_id("cr-tcp");
    // The container's own network namespace has its loopback down until the container brings it up.
    for (const char* set : {"bounding", "effective", "permitted"}) bundle.config["process"]["capabilities"][set].push_back("CAP_NET_ADMIN");
    bundle.shell("ip link set lo up; sleep 1000 | nc -l -p 5000 > /tmp/server & sleep 0.5; "
                 "sleep 1000 | nc 127.0.0.1 5000 > /tmp/client & while :; do sleep 1; done");
    bundle.write();
    PipedProcess run = spawn_with_pipes(ocirt_args(ocirt, {"run", "-d", "--bundle", bundle.path(), id}));
    REQUIRE(wait_exit_code(run.pid) == 0);
    pid_t pid = pid_of(ocirt, id);
    REQUIRE(eventually([&] { return established_connections(pid) == 2; }, 10000));
    TempDir images("ocirt-cr-tcp");

    dump_needing(ocirt, id, images.path(), "--tcp-established", "tcp-established");
    PipedProcess restored = restore_detached(ocirt, bundle, id, images.path() + "/img", {"--tcp-established"});
    int code = wait_exit_code(restored.pid);
    INFO("restore: " << restored.read_err());
    REQUIRE(code == 0);
    // Both nc processes are back, and the connection between them: /proc/net/tcp lists it as ESTABLISHED (01).
    CHECK(established_connections(pid_of(ocirt, id)) == 2);
}

TEST_CASE("checkpoint and restore: a terminal container is checkpointed as it is; restore sends the new pty's master to --console-socket and the shell goes on") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    std::string id = unique_id("cr-tty");
    TempDir files("ocirt-cr-tty");
    dump_terminal_shell(ocirt, bundle, id, files.path());
    std::string payload;

    ConsoleReceiver new_console;
    PipedProcess restored = restore_detached(ocirt, bundle, id, files.path() + "/img", {"--console-socket", new_console.path()});
    int code = wait_exit_code(restored.pid);
    INFO("restore: " << restored.read_err());
    REQUIRE(code == 0);
    UniqueFd new_master(new_console.receive_master(payload));
    REQUIRE(new_master);
    unsigned int pty_number = 0;
    REQUIRE(::ioctl(new_master.get(), TIOCGPTN, &pty_number) == 0);
    std::string pts = "/dev/pts/" + std::to_string(pty_number);
    CHECK(payload == pts);
    // The shell kept its variable, its stdio is the new pty, and it still leads its session on it.
    std::string out = converse(new_master.get(), "echo remembered=$remembered tty=$(tty) sid=$(cut -d' ' -f6 /proc/$$/stat); echo DO\"\"NE", "DONE");
    INFO(out);
    CHECK(out.find("remembered=42 tty=" + pts + " sid=1") != std::string::npos);
    send_line(new_master.get(), "exit 3");
    read_until_hangup(new_master.get());
    CHECK(eventually([&] { return state_of(ocirt, id).value("status", "") == "stopped"; }));
}

TEST_CASE("checkpoint and restore: a terminal container restored in the foreground without --console-socket is driven through restore's own stdio, as run does") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    std::string id = unique_id("cr-ttyfg");
    TempDir files("ocirt-cr-ttyfg");
    dump_terminal_shell(ocirt, bundle, id, files.path());

    PipedProcess restore = spawn_with_pipes(
        ocirt_args(ocirt, {"restore", "--bundle", bundle.path(), "--image-path", files.path() + "/img", id}));
    std::string line = "echo remembered=$remembered; exit 7\n";
    REQUIRE(::write(restore.in, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    int code = wait_exit_code(restore.pid);
    std::string out = restore.read_out();
    INFO("out: " << out << "\nerr: " << restore.read_err());
    CHECK(code == 7);
    CHECK(out.find("remembered=42") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
}

TEST_CASE("checkpoint and restore: a container on the caller's terminal needs --shell-job; restored with it from that terminal, it is on it again") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    // The caller's terminal is on the host's devpts, which the container is given in place of its own; the
    // shell opens it there, so that CRIU finds the terminal's mount in the container.
    for (auto& mount : bundle.config["mounts"])
        if (mount["destination"] == "/dev/pts") mount = {{"destination", "/dev/pts"}, {"type", "bind"}, {"source", "/dev/pts"}, {"options", {"rbind"}}};
    TestPty first = open_test_pty();
    std::string terminal = ::ptsname(first.master.get());
    bundle.shell("exec <" + terminal + " >" + terminal + " 2>&1; " + kQuietCounter);
    bundle.write();
    std::string id = unique_id("cr-shjob");
    PipedProcess stdio;
    pid_t pid = run_counting(ocirt, bundle, id, stdio);
    CHECK(device_of("/proc/" + std::to_string(pid) + "/fd/1") == device_of(terminal));
    TempDir images("ocirt-cr-shjob");

    dump_needing(ocirt, id, images.path(), "--shell-job", "without correspond master peer");
    // Restored from the same terminal, as a shell job is: the tree is on it again.
    std::vector<std::string> restore = {"restore", "-d", "--shell-job", "--bundle", bundle.path(), "--image-path", images.path() + "/img", id};
    CHECK(wait_exit_code(spawn_on_terminal(ocirt_args(ocirt, restore), first.peer.get())) == 0);
    pid_t new_pid = pid_of(ocirt, id);
    REQUIRE(new_pid > 0);
    CHECK(counts_past(new_pid, count_in(new_pid)));
    for (int fd = 0; fd <= 2; ++fd) {
        CAPTURE(fd);
        CHECK(device_of("/proc/" + std::to_string(new_pid) + "/fd/" + std::to_string(fd)) == device_of(terminal));
    }
}

TEST_CASE("checkpoint and restore: a datagram socket connected to a listener outside needs --ext-unix-sk; restored with it, it sends to that listener again") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    TempDir sockets("ocirt-cr-sk");
    UniqueFd listener(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string socket_path = sockets.path() + "/log.sock";
    REQUIRE(socket_path.size() < sizeof address.sun_path);
    socket_path.copy(address.sun_path, socket_path.size());
    REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    // The listener's peer is found only in the network namespace the dump sees: the host's, shared. CRIU
    // connects to it again by its name as the host has it: the directory is bound at the same path, as
    // /dev/log is.
    drop_namespace(bundle, "network");
    bundle.config["mounts"].push_back({{"destination", sockets.path()}, {"type", "bind"}, {"source", sockets.path()}, {"options", {"rbind"}}});
    add_holder(bundle, {"--dgram", socket_path});
    bundle.write();
    std::string id = unique_id("cr-extsk");
    PipedProcess stdio;
    run_counting(ocirt, bundle, id, stdio);
    // The last count the listener got, waiting up to 5 s for one; -1 when none came.
    auto received = [&] {
        int last = -1;
        eventually([&] {
            char datagram[64];
            ssize_t n;
            while ((n = ::recv(listener.get(), datagram, sizeof datagram - 1, 0)) > 0) last = std::atoi(std::string(datagram, static_cast<size_t>(n)).c_str());
            return last > 0;
        });
        return last;
    };
    REQUIRE(received() > 0);
    TempDir images("ocirt-cr-extsk");

    dump_needing(ocirt, id, images.path(), "--ext-unix-sk", "External socket is used");
    int at_dump = received();
    pid_t new_pid = restored_pid(ocirt, bundle, id, images.path() + "/img", {"--ext-unix-sk"});
    REQUIRE(counts_past(new_pid, count_in(new_pid)));
    // Counts from the restored process reach the same listener, going on from the dump.
    CHECK(received() >= at_dump);
    CHECK(received() > 0);
}

TEST_CASE("checkpoint and restore: a held flock needs --file-locks; restored with it, the restored process holds it again") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    add_holder(bundle, {"--flock", "/tmp/lock"});
    bundle.write();
    std::string id = unique_id("cr-flock");
    PipedProcess stdio;
    pid_t pid = run_counting(ocirt, bundle, id, stdio);
    // /proc/locks: "N: FLOCK  ADVISORY  WRITE PID MAJ:MIN:INODE 0 EOF", the pid as this pid namespace sees it.
    auto holds_flock = [](pid_t holder) {
        std::istringstream locks(read_file("/proc/locks"));
        for (std::string line; std::getline(locks, line);)
            if (line.find("FLOCK") != std::string::npos && line.find(" WRITE " + std::to_string(holder) + " ") != std::string::npos) return true;
        return false;
    };
    REQUIRE(holds_flock(pid));
    TempDir images("ocirt-cr-flock");

    dump_needing(ocirt, id, images.path(), "--file-locks", "file-locks");
    pid_t new_pid = restored_pid(ocirt, bundle, id, images.path() + "/img", {"--file-locks"});
    CHECK(counts_past(new_pid, count_in(new_pid)));
    CHECK(holds_flock(new_pid));
}

TEST_CASE("checkpoint and restore: --empty-ns network leaves the network namespace's contents out: the loopback the container brought up comes back down") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    for (const char* set : {"bounding", "effective", "permitted"}) bundle.config["process"]["capabilities"][set].push_back("CAP_NET_ADMIN");
    bundle.shell(std::string("ip link set lo up; ") + kQuietCounter);
    bundle.write();
    std::string id = unique_id("cr-emptyns");
    PipedProcess stdio;
    pid_t pid = run_counting(ocirt, bundle, id, stdio);
    auto loopback = [](pid_t in) { return run_program({"/usr/bin/nsenter", "-t", std::to_string(in), "-n", "/usr/sbin/ip", "-o", "link", "show", "lo"}).out; };
    REQUIRE(loopback(pid).find("<LOOPBACK,UP,LOWER_UP>") != std::string::npos);
    TempDir images("ocirt-cr-emptyns");

    Result dumped = checkpoint(ocirt, id, images.path() + "/img", {"--empty-ns", "network"});
    INFO("checkpoint: " << dumped.err);
    REQUIRE(dumped.exit_code == 0);
    pid_t new_pid = restored_pid(ocirt, bundle, id, images.path() + "/img", {"--empty-ns", "network"});
    CHECK(counts_past(new_pid, count_in(new_pid)));
    std::string link = loopback(new_pid);
    INFO(link);
    CHECK(link.find("lo: <LOOPBACK>") != std::string::npos);
    CHECK(fs::read_symlink("/proc/" + std::to_string(new_pid) + "/ns/net").string() != host_namespace("net"));
}

TEST_CASE("checkpoint and restore: --manage-cgroups-mode reaches CRIU: strict refuses the container's cgroup that restore made, leaving nothing; soft restores into it") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    Ocirt ocirt;
    Bundle bundle;
    Counter counter = counting(ocirt, bundle, "cr-cgmode");
    const std::string& id = counter.id;
    TempDir images("ocirt-cr-cgmode");
    std::string image = images.path() + "/img";
    REQUIRE(checkpoint(ocirt, id, image, {"--manage-cgroups-mode", "soft"}).exit_code == 0);

    PipedProcess strict = restore_detached(ocirt, bundle, id, image, {"--manage-cgroups-mode", "strict"});
    CHECK(wait_exit_code(strict.pid) == 1);
    std::string err = strict.read_err();
    INFO("strict: " << err);
    CHECK(err.find("Abort restore of existing cgroups") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named(id).empty());

    PipedProcess soft = restore_detached(ocirt, bundle, id, image, {"--manage-cgroups-mode", "soft"});
    int code = wait_exit_code(soft.pid);
    INFO("soft: " << soft.read_err());
    REQUIRE(code == 0);
    pid_t new_pid = pid_of(ocirt, id);
    CHECK(counts_past(new_pid, count_in(new_pid)));
}

TEST_CASE("checkpoint and restore: --lsm-profile replaces the AppArmor profile the dumped process had; without it the process keeps its own") {
    OCIRT_SKIP_IF(!criu_check().works, criu_check().reason);
    OCIRT_SKIP_IF(!apparmor_usable(), "no AppArmor (its securityfs) on this host");
    AppArmorProfile dumped_profile(unique_id("ocirt-cr-a")), given_profile(unique_id("ocirt-cr-b"));
    INFO("apparmor_parser: " << dumped_profile.error() << given_profile.error());
    REQUIRE((dumped_profile.loaded() && given_profile.loaded()));

    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["apparmorProfile"] = dumped_profile.name();
    Counter counter = counting(ocirt, bundle, "cr-lsm");
    auto profile_of = [](pid_t pid) { return read_file("/proc/" + std::to_string(pid) + "/attr/current"); };
    REQUIRE(profile_of(counter.pid) == dumped_profile.current());
    TempDir files("ocirt-cr-lsm");
    REQUIRE(checkpoint(ocirt, counter.id, files.path() + "/img", {"--leave-running"}).exit_code == 0);
    REQUIRE(ocirt({"delete", "-f", counter.id}).exit_code == 0);

    PipedProcess as_dumped = restore_detached(ocirt, bundle, counter.id, files.path() + "/img");
    int code = wait_exit_code(as_dumped.pid);
    INFO("restore: " << as_dumped.read_err());
    REQUIRE(code == 0);
    CHECK(profile_of(pid_of(ocirt, counter.id)) == dumped_profile.current());
    REQUIRE(ocirt({"delete", "-f", counter.id}).exit_code == 0);

    PipedProcess given = restore_detached(ocirt, bundle, counter.id, files.path() + "/img", {"--lsm-profile", "apparmor:" + given_profile.name()});
    code = wait_exit_code(given.pid);
    INFO("restore --lsm-profile: " << given.read_err());
    REQUIRE(code == 0);
    pid_t new_pid = pid_of(ocirt, counter.id);
    CHECK(counts_past(new_pid, count_in(new_pid)));
    CHECK(profile_of(new_pid) == given_profile.current());
}
