// runtime.md: the lifecycle operations, checked from outside through the runtime's command line.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "conformance.hpp"

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

TEST_CASE("runtime.md#create: create with an ID already in use fails [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("dup");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code != 0);
    CHECK(status_of(runtime, id) == "created");
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

TEST_CASE("runtime.md#state: state of an unknown container fails [MUST]") {
    Runtime runtime;
    CHECK(runtime({"state", unique_id("none")}).exit_code != 0);
}

TEST_CASE("runtime.md#start: start of a container that is not created fails and has no effect [MUST]") {
    Runtime runtime;
    ObservedBundle b("echo ran >> /out/marker");
    std::string id = unique_id("start");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(runtime.to_files({"start", id}).exit_code != 0);
    CHECK(read_file(b.out_dir + "/marker") == "ran\n");
}

TEST_CASE("runtime.md#kill: kill sends the signal to the container's process [MUST]") {
    Runtime runtime;
    ObservedBundle b("trap 'echo got-usr1 > /out/marker; exit 0' USR1; while true; do sleep 0.1; done");
    std::string id = unique_id("kill");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "running"));
    usleep(200 * 1000);  // the shell installs its trap after it starts
    CHECK(runtime({"kill", id, "USR1"}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(b.out_dir + "/marker") == "got-usr1\n");
}

TEST_CASE("runtime.md#kill: kill of a stopped container fails [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("killstopped");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(runtime({"kill", id, "KILL"}).exit_code != 0);
}

TEST_CASE("runtime.md#delete: delete of a stopped container removes it [MUST]") {
    Runtime runtime;
    ObservedBundle b("true");
    std::string id = unique_id("delete");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(runtime({"delete", id}).exit_code == 0);
    CHECK(runtime({"state", id}).exit_code != 0);
}

// runc and crun kill and delete a created container here; ocirt follows the spec.
TEST_CASE("runtime.md#delete: delete of a container that is not stopped fails [MUST]") {
    Runtime runtime;
    ObservedBundle b("sleep 30");
    std::string id = unique_id("deletecreated");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(runtime({"delete", id}).exit_code != 0);
    CHECK(status_of(runtime, id) == "created");
}
