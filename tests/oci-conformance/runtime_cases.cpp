// runtime.md: the state and the operations (state, create, start, kill, delete), checked from outside through
// the runtime's command line.
// Skipped: "Scope of a container" (every case uses the operations on the container it created); "Once a container
// is deleted its ID MAY be used" (MAY); "start MUST generate an error if it is not provided the container ID" and
// the same for kill/delete are one case each; the bundle-path half of "create MUST generate an error if it is not
// provided a path to the bundle" (runc's command line defaults --bundle to the working directory, so only a
// bundle path that does not exist can be tested).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>

#include "conformance.hpp"
#include "linux_support.hpp"

using namespace ocirt::conformance;
using ocirt::test::read_file;
using ocirt::test::unique_id;
namespace fs = std::filesystem;

namespace {

// A bundle whose process writes into <bundle>/out, bound at /out, so its effects are visible from the host.
struct ObservedBundle {
    SpecBundle bundle;
    std::string out_dir = bundle.path() + "/out";

    explicit ObservedBundle(const std::string& script) {
        fs::create_directory(out_dir);
        bundle.config["mounts"].push_back({{"destination", "/out"}, {"type", "bind"}, {"source", out_dir}, {"options", {"rbind", "rw"}}});
        bundle.shell(script);
        bundle.write();
    }
};

nlohmann::json state_of(const Runtime& runtime, const std::string& id) {
    auto r = runtime({"state", id});
    return r.exit_code == 0 ? nlohmann::json::parse(r.out, nullptr, false) : nlohmann::json();
}

size_t entries_in(const std::string& dir) {
    size_t count = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        ++count;
    return count;
}

}  // namespace

TEST_CASE("runtime.md#create: the user process does not run until start [MUST]") {
    Runtime runtime;
    ObservedBundle b("echo ran > /out/marker");
    std::string id = unique_id("create");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK_FALSE(fs::exists(b.out_dir + "/marker"));
    CHECK(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(b.out_dir + "/marker") == "ran\n");
}

TEST_CASE("runtime.md#create: create with an ID already in use fails and does not touch the existing container [MUST]") {
    Runtime runtime;
    ObservedBundle first("true");
    ObservedBundle second("true");
    std::string id = unique_id("dup");
    REQUIRE(runtime.to_files({"create", "--bundle", first.bundle.path(), id}).exit_code == 0);
    auto before = state_of(runtime, id);
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", second.bundle.path(), id}));
    auto after = state_of(runtime, id);
    CHECK(after.value("status", "") == "created");
    CHECK(after.value("pid", 0) == before.value("pid", -1));
    CHECK(after.value("bundle", "") == before.value("bundle", "-"));
}

TEST_CASE("runtime.md#create: an ID that is not valid (it contains a slash) fails and creates nothing [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), "conf/" + unique_id("slash")}));
    CHECK(entries_in(runtime.root()) == 0);
}

TEST_CASE("runtime.md#create: create without a container ID fails [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path()}));
    CHECK(entries_in(runtime.root()) == 0);
}

TEST_CASE("runtime.md#create: create with a bundle path that does not exist fails [MUST]") {
    Runtime runtime;
    ocirt::test::TempDir parent("conformance-nobundle");
    std::string id = unique_id("nobundle");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", parent.path() + "/missing", id}));
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#create: every property but process is applied by create (the mounts exist before start) [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/applied"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=1m"}}});
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("applied");
    REQUIRE(runtime.to_files({"create", "--bundle", bundle.path(), id}).exit_code == 0);
    int pid = state_of(runtime, id).value("pid", 0);
    REQUIRE(pid > 0);
    CHECK(lines_with(read_file("/proc/" + std::to_string(pid) + "/mountinfo"), " /applied ").size() == 1);
}

TEST_CASE("runtime.md#create: changes to config.json after create do not affect the container [MUST]") {
    Runtime runtime;
    ObservedBundle b("echo original > /out/marker");
    std::string id = unique_id("changed");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    b.bundle.shell("echo changed > /out/marker");
    b.bundle.write();
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(b.out_dir + "/marker") == "original\n");
}

TEST_CASE("runtime.md#state: state reports ociVersion, id, status, pid and bundle [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("state");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    auto r = runtime({"state", id});
    REQUIRE(r.exit_code == 0);
    auto state = nlohmann::json::parse(r.out);
    CHECK(state.value("id", "") == id);
    CHECK(state.value("status", "") == "created");
    CHECK(state.value("pid", 0) > 0);
    CHECK(fs::equivalent(state.value("bundle", ""), b.bundle.path()));
    CHECK(state.contains("ociVersion"));
}

TEST_CASE("runtime.md#state: the state follows state-schema.json (types, SemVer ociVersion) [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("schema");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    auto state = state_of(runtime, id);
    REQUIRE(state.is_object());
    const std::regex semver(R"(^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$)");
    REQUIRE(state["ociVersion"].is_string());
    CHECK(std::regex_match(state["ociVersion"].get<std::string>(), semver));
    CHECK(state["id"].is_string());
    CHECK(state["status"].is_string());
    CHECK(state["pid"].is_number_integer());
    CHECK(state["bundle"].is_string());
    if (state.contains("annotations")) CHECK(state["annotations"].is_object());
}

TEST_CASE("runtime.md#state: status is created, running, then stopped as the container goes through its lifecycle [MUST]") {
    Runtime runtime;
    ObservedBundle b("read line < /out/fifo");
    REQUIRE(::mkfifo((b.out_dir + "/fifo").c_str(), 0600) == 0);
    std::string id = unique_id("status");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(status_of(runtime, id) == "created");
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(status_of(runtime, id) == "running");  // blocked until the host writes the fifo
    std::ofstream(b.out_dir + "/fifo") << "go\n";
    CHECK(reaches_status(runtime, id, "stopped"));
}

TEST_CASE("runtime.md#state: pid is the container process as the runtime sees it, while created and running [MUST]") {
    Runtime runtime;
    ObservedBundle b("read line < /out/fifo");
    REQUIRE(::mkfifo((b.out_dir + "/fifo").c_str(), 0600) == 0);
    std::string id = unique_id("pid");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    int created_pid = state_of(runtime, id).value("pid", 0);
    REQUIRE(created_pid > 0);
    CHECK(fs::exists("/proc/" + std::to_string(created_pid)));
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    int running_pid = state_of(runtime, id).value("pid", 0);
    CHECK(running_pid == created_pid);
    std::string cmdline_file = "/proc/" + std::to_string(running_pid) + "/cmdline";
    bool exec_seen = false;  // the user program, exec'd in that process (start may return just before the exec)
    for (int i = 0; i < 100 && !exec_seen; ++i, usleep(50 * 1000))
        exec_seen = read_file(cmdline_file).find("read line < /out/fifo") != std::string::npos;
    CHECK(exec_seen);
    std::ofstream(b.out_dir + "/fifo") << "go\n";
    CHECK(reaches_status(runtime, id, "stopped"));
}

TEST_CASE("runtime.md#state: bundle is an absolute path even when create was given a relative one [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string relative = fs::relative(b.bundle.path(), fs::current_path()).string();
    REQUIRE(relative.front() != '/');
    std::string id = unique_id("relbundle");
    REQUIRE(runtime.to_files({"create", "--bundle", relative, id}).exit_code == 0);
    std::string bundle = state_of(runtime, id).value("bundle", "");
    CHECK(bundle.front() == '/');
    CHECK(fs::equivalent(bundle, b.bundle.path()));
}

TEST_CASE("runtime.md#state: annotations of the config are in the state [SHOULD]") {
    Runtime runtime;
    ObservedBundle b("true");
    b.bundle.config["annotations"] = {{"org.example.conformance", "yes"}, {"org.example.empty", ""}};
    b.bundle.write();
    std::string id = unique_id("annotations");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    auto state = state_of(runtime, id);
    CHECK(state["annotations"] == nlohmann::json({{"org.example.conformance", "yes"}, {"org.example.empty", ""}}));
}

TEST_CASE("runtime.md#query-state: state of an unknown container fails [MUST]") {
    Runtime runtime;
    CHECK_REFUSED(runtime({"state", unique_id("none")}));
}

TEST_CASE("runtime.md#query-state: state without a container ID fails [MUST]") {
    Runtime runtime;
    CHECK_REFUSED(runtime({"state"}));
}

TEST_CASE("runtime.md#start: start of a container that is not created fails and has no effect [MUST]") {
    Runtime runtime;
    ObservedBundle b("echo ran >> /out/marker");
    std::string id = unique_id("start");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK_REFUSED(runtime.to_files({"start", id}));
    CHECK(read_file(b.out_dir + "/marker") == "ran\n");
}

TEST_CASE("runtime.md#start: start without a container ID fails [MUST]") {
    Runtime runtime;
    CHECK_REFUSED(runtime.to_files({"start"}));
}

TEST_CASE("runtime.md#start: a container without process cannot be started [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config.erase("process");
    bundle.write();
    std::string id = unique_id("noprocess");
    bool created = runtime.to_files({"create", "--bundle", bundle.path(), id}).exit_code == 0;
    bool started = created && runtime.to_files({"start", id}).exit_code == 0;
    CHECK_FALSE(started);
}

TEST_CASE("runtime.md#kill: kill sends the signal to the container's process [MUST]") {
    Runtime runtime;
    ObservedBundle b("trap 'echo got-usr1 > /out/marker; exit 0' USR1; echo > /out/trapped; while true; do sleep 0.1; done");
    std::string id = unique_id("kill");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    for (int i = 0; i < 100 && !fs::exists(b.out_dir + "/trapped"); ++i) usleep(50 * 1000);  // the trap is installed
    REQUIRE(fs::exists(b.out_dir + "/trapped"));
    CHECK(runtime({"kill", id, "USR1"}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(b.out_dir + "/marker") == "got-usr1\n");
}

TEST_CASE("runtime.md#kill: kill of a created container signals its process [MUST]") {
    Runtime runtime;
    ObservedBundle b("echo ran > /out/marker");
    std::string id = unique_id("killcreated");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(runtime({"kill", id, "KILL"}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK_FALSE(fs::exists(b.out_dir + "/marker"));
}

TEST_CASE("runtime.md#kill: kill of a stopped container fails and has no effect [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("killstopped");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK_REFUSED(runtime({"kill", id, "KILL"}));
    CHECK(status_of(runtime, id) == "stopped");
}

TEST_CASE("runtime.md#kill: kill without a container ID fails [MUST]") {
    Runtime runtime;
    CHECK_REFUSED(runtime({"kill"}));
}

TEST_CASE("runtime.md#delete: delete of a stopped container removes it [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("delete");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(runtime({"delete", id}).exit_code == 0);
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#delete: delete of a container that is not stopped fails and has no effect [MUST]" *
          doctest::description("deliberate: runtime.md#delete: runc 1.1 and crun kill and delete a created container "
                               "without --force; the spec makes it an error (\"Attempting to delete a container that is "
                               "not stopped MUST generate an error\"). containerd and podman keep working: they delete "
                               "a container only once it stopped, or with --force (tests/clients)")) {
    Runtime runtime;
    ObservedBundle b("sleep 30");
    std::string created = unique_id("deletecreated");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), created}).exit_code == 0);
    CHECK_REFUSED(runtime({"delete", created}));
    CHECK(status_of(runtime, created) == "created");
    std::string running = unique_id("deleterunning");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), running}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", running}).exit_code == 0);
    CHECK_REFUSED(runtime({"delete", running}));
    CHECK(status_of(runtime, running) == "running");
}

TEST_CASE("runtime.md#delete: delete removes what create made (the container's cgroup) [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("delcgroup");
    b.bundle.config["linux"]["cgroupsPath"] = "/" + id;
    b.bundle.write();
    std::string cgroup = cgroup_directory("pids", "/" + id);
    REQUIRE_FALSE(cgroup.empty());
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(fs::is_directory(cgroup));
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    CHECK_FALSE(fs::exists(cgroup));
}

TEST_CASE("runtime.md#delete: delete leaves what the container did not create (bundle, bind-mount sources) [MUST]") {
    Runtime runtime;
    ObservedBundle b("echo kept > /out/file");
    std::string id = unique_id("delkeep");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    CHECK(fs::exists(b.bundle.path() + "/config.json"));
    CHECK(fs::exists(b.bundle.path() + "/rootfs/bin/sh"));
    CHECK(read_file(b.out_dir + "/file") == "kept\n");
}

TEST_CASE("runtime.md#delete: delete without a container ID fails [MUST]") {
    Runtime runtime;
    CHECK_REFUSED(runtime({"delete"}));
}

TEST_CASE("runtime.md#errors: a create that fails leaves nothing behind (state, cgroup) [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("failcreate");
    b.bundle.config["linux"]["cgroupsPath"] = "/" + id;
    b.bundle.config["mounts"].push_back({{"destination", "/broken"}, {"type", "conformancefs"}, {"source", "none"}});
    b.bundle.write();
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK_REFUSED(runtime({"state", id}));
    CHECK(entries_in(runtime.root()) == 0);
    for (const char* controller : {"pids", "memory"}) {
        std::string cgroup = cgroup_directory(controller, "/" + id);
        CAPTURE(cgroup);
        REQUIRE_FALSE(cgroup.empty());
        CHECK_FALSE(fs::exists(cgroup));
    }
}
