// config.md "POSIX-platform Hooks" and runtime.md "Lifecycle": when each hook runs, what it reads on stdin,
// and what a failing hook does. The hooks are host programs (/bin/sh) writing into a temp dir.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "conformance.hpp"

using namespace ocirt::conformance;
using ocirt::test::read_file;
using ocirt::test::unique_id;

namespace {

// A hook that appends its name to <dir>/order and saves its stdin as <dir>/<name>.json, then exits `status`.
nlohmann::json recording_hook(const std::string& dir, const std::string& name, int status = 0) {
    std::string script = "echo " + name + " >> " + dir + "/order; cat > " + dir + "/" + name + ".json; exit " +
                         std::to_string(status);
    return {{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}};
}

}  // namespace

TEST_CASE("config.md#posix-platform-hooks: hooks run in lifecycle order with the state on stdin [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir dir("conformance-hooks");
    bundle.config["hooks"] = {{"prestart", {recording_hook(dir.path(), "prestart")}},
                              {"createRuntime", {recording_hook(dir.path(), "createRuntime")}},
                              {"poststart", {recording_hook(dir.path(), "poststart")}},
                              {"poststop", {recording_hook(dir.path(), "poststop")}}};
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("hooks");
    REQUIRE(runtime.to_files({"create", "--bundle", bundle.path(), id}).exit_code == 0);
    CHECK(read_file(dir.path() + "/order") == "prestart\ncreateRuntime\n");
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(dir.path() + "/order") == "prestart\ncreateRuntime\npoststart\n");
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    CHECK(read_file(dir.path() + "/order") == "prestart\ncreateRuntime\npoststart\npoststop\n");
    for (const std::string name : {"prestart", "createRuntime", "poststart", "poststop"}) {
        CAPTURE(name);
        auto state = nlohmann::json::parse(read_file(dir.path() + "/" + name + ".json"), nullptr, false);
        REQUIRE(state.is_object());
        CHECK(state.value("id", "") == id);
        CHECK(state.value("bundle", "") == bundle.path());
        CHECK(state.contains("ociVersion"));
        if (name != "poststop") CHECK(state.value("pid", 0) > 0);
    }
    CHECK(nlohmann::json::parse(read_file(dir.path() + "/poststop.json")).value("status", "") == "stopped");
}

TEST_CASE("config.md#posix-platform-hooks: a failing prestart hook makes create fail [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir dir("conformance-hooks");
    bundle.config["hooks"] = {{"prestart", {recording_hook(dir.path(), "prestart", 1)}}};
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("hookfail");
    CHECK(runtime.to_files({"create", "--bundle", bundle.path(), id}).exit_code != 0);
    CHECK(read_file(dir.path() + "/order") == "prestart\n");
    CHECK(runtime({"state", id}).exit_code != 0);
}

// runc makes a failing poststart hook an error.
TEST_CASE("config.md#posix-platform-hooks: a failing poststart hook is only a warning [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir dir("conformance-hooks");
    bundle.config["hooks"] = {{"poststart", {recording_hook(dir.path(), "poststart", 1), recording_hook(dir.path(), "second")}}};
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("poststartfail");
    REQUIRE(runtime.to_files({"create", "--bundle", bundle.path(), id}).exit_code == 0);
    CHECK(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(dir.path() + "/order") == "poststart\nsecond\n");
}
