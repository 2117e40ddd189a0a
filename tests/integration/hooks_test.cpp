// config.md "POSIX-platform Hooks" and runtime.md "Lifecycle": each of the six hook points, what its hook
// reads on stdin, where it runs, and what its failure or timeout does to the lifecycle.
#include <doctest/doctest.h>

#include <filesystem>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kInside = "/hookdir";  // where the host's hook dir is bound in the container

// A hook running `sh -c script` (a host path, or a container path for startContainer).
nlohmann::json shell_hook(const std::string& script, const std::vector<std::string>& extra_args = {}) {
    nlohmann::json args = {"sh", "-c", script};
    for (const auto& a : extra_args) args.push_back(a);
    return {{"path", "/bin/sh"}, {"args", args}};
}

// Appends `name` to <dir>/order and saves its stdin as <dir>/<name>.json, then exits `status`.
nlohmann::json recording_hook(const std::string& dir, const std::string& name, int status = 0) {
    return shell_hook("echo " + name + " >> " + dir + "/order; cat > " + dir + "/" + name + ".json; echo " + name +
                      " says no >&2; exit " + std::to_string(status));
}

void bind_hook_dir(Bundle& bundle, const std::string& dir) {
    bundle.config["mounts"].push_back({{"destination", kInside}, {"type", "bind"}, {"source", dir}, {"options", {"rbind", "rw"}}});
}

Result to_files(const Ocirt& ocirt, const std::vector<std::string>& args) {
    TempDir out("ocirt-hooks-out");
    return run_to_files(ocirt, args, out.path() + "/out", out.path() + "/err");
}

nlohmann::json state_of(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"state", id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

nlohmann::json saved_stdin(const std::string& dir, const std::string& name) {
    auto state = nlohmann::json::parse(read_file(dir + "/" + name + ".json"), nullptr, false);
    REQUIRE_MESSAGE(state.is_object(), (name + " saw no JSON state on stdin"));
    return state;
}

// Nothing of the container `id` is left: state, processes, cgroups.
void check_nothing_left(const Ocirt& ocirt, const std::string& id) {
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(ocirt({"state", id}).exit_code == 1);
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
}

}  // namespace

TEST_CASE("hooks: all six run in lifecycle order, each with the state the spec gives at that point on stdin") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    bind_hook_dir(bundle, dir.path());
    std::string in = kInside;
    bundle.config["annotations"] = {{"org.ocirt.test", "hooks"}};
    bundle.config["hooks"] = {{"prestart", {recording_hook(dir.path(), "prestart")}},
                              {"createRuntime", {recording_hook(dir.path(), "createRuntime")}},
                              {"createContainer", {recording_hook(dir.path(), "createContainer")}},
                              {"startContainer", {recording_hook(in, "startContainer")}},
                              {"poststart", {recording_hook(dir.path(), "poststart")}},
                              {"poststop", {recording_hook(dir.path(), "poststop")}}};
    bundle.shell("cat " + in + "/order > " + in + "/order_seen_by_process; sleep 100");
    bundle.write();
    std::string id = unique_id("hooks");

    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    CHECK(read_file(dir.path() + "/order") == "prestart\ncreateRuntime\ncreateContainer\n");
    auto pid = state_of(ocirt, id)["pid"].get<int>();

    Result started = to_files(ocirt, {"start", id});
    REQUIRE_MESSAGE(started.exit_code == 0, started.err);
    CHECK(read_file(dir.path() + "/order") == "prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\n");
    CHECK(eventually([&] { return fs::exists(dir.path() + "/order_seen_by_process"); }));
    CHECK(eventually([&] { return read_file(dir.path() + "/order_seen_by_process").starts_with(
                                  "prestart\ncreateRuntime\ncreateContainer\nstartContainer\n"); }));

    REQUIRE(ocirt({"kill", id, "KILL"}).exit_code == 0);
    CHECK(eventually([&] { return state_of(ocirt, id)["status"] == "stopped"; }));
    Result deleted = ocirt({"delete", id});
    REQUIRE_MESSAGE(deleted.exit_code == 0, deleted.err);
    CHECK(read_file(dir.path() + "/order") ==
          "prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\npoststop\n");

    const std::map<std::string, std::string> expected_status = {
        {"prestart", "created"}, {"createRuntime", "created"}, {"createContainer", "created"},
        {"startContainer", "created"}, {"poststart", "running"}, {"poststop", "stopped"}};
    for (const auto& [name, status] : expected_status) {
        CAPTURE(name);
        auto state = saved_stdin(dir.path(), name);
        CHECK(state["ociVersion"] == bundle.config["ociVersion"]);
        CHECK(state["id"] == id);
        CHECK(state["status"] == status);
        CHECK(state["bundle"] == bundle.path());
        CHECK(state["annotations"] == bundle.config["annotations"]);
        // runtime.md State: hooks in the container namespace get the pid as the container sees it (its init: 1).
        if (name == "createContainer" || name == "startContainer") CHECK(state["pid"] == 1);
        else if (name != "poststop") CHECK(state["pid"] == pid);
    }
}

TEST_CASE("hooks: args and env reach the hook, in the runtime and in the container") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    bind_hook_dir(bundle, dir.path());
    std::string in = kInside;
    auto with_env = [](nlohmann::json hook) {
        hook["env"] = {"GREETING=hello hook", "OTHER=2"};
        return hook;
    };
    // Whatever the shell itself adds (PWD, SHLVL, a default PATH) is left out of the list.
    std::string report = "echo \"$0|$1|$(env | grep -v -e ^PWD= -e ^SHLVL= -e ^PATH= | sort | tr '\\n' ' ')\" > ";
    bundle.config["hooks"] = {
        {"createRuntime", {with_env(shell_hook(report + dir.path() + "/createRuntime", {"zero", "one"}))}},
        {"startContainer", {with_env(shell_hook(report + in + "/startContainer", {"zero", "one"}))}}};
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("hookargs");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    Result started = to_files(ocirt, {"start", id});
    REQUIRE_MESSAGE(started.exit_code == 0, started.err);
    for (const std::string name : {"createRuntime", "startContainer"}) {
        CAPTURE(name);
        CHECK(read_file(dir.path() + "/" + name) == "zero|one|GREETING=hello hook OTHER=2 \n");
    }
}

TEST_CASE("hooks: createContainer runs in the container's namespaces, createRuntime in the runtime's") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    auto namespaces_into = [&](const std::string& name) {
        return shell_hook("for ns in mnt uts pid; do readlink /proc/self/ns/$ns; done > " + dir.path() + "/" + name);
    };
    bundle.config["hooks"] = {{"createRuntime", {namespaces_into("createRuntime")}},
                              {"createContainer", {namespaces_into("createContainer")}}};
    bundle.config["process"]["args"] = {"sleep", "100"};
    bundle.write();
    std::string id = unique_id("hookns");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    std::string init = "/proc/" + std::to_string(state_of(ocirt, id)["pid"].get<int>()) + "/ns/";
    std::string host = host_namespace("mnt") + "\n" + host_namespace("uts") + "\n" + host_namespace("pid") + "\n";
    std::string container = fs::read_symlink(init + "mnt").string() + "\n" + fs::read_symlink(init + "uts").string() +
                            "\n" + fs::read_symlink(init + "pid").string() + "\n";
    REQUIRE(container != host);
    CHECK(read_file(dir.path() + "/createRuntime") == host);
    CHECK(read_file(dir.path() + "/createContainer") == container);
}

TEST_CASE("hooks: a failing prestart, createRuntime or createContainer hook fails create, named, leaving nothing but poststop run") {
    for (const std::string point : {"prestart", "createRuntime", "createContainer"}) {
        CAPTURE(point);
        TempDir dir("ocirt-hooks");
        Ocirt ocirt;
        Bundle bundle;
        bundle.config["hooks"][point] = {recording_hook(dir.path(), "first"), recording_hook(dir.path(), point, 3),
                                         recording_hook(dir.path(), "never")};
        std::string id = unique_id("hookfail");
        // runtime.md "Lifecycle": the failure goes on at step 12 (destroy), then 13 (poststop hooks).
        bundle.config["hooks"]["poststop"] = {
            shell_hook("test -e " + ocirt.state_dir(id) + " && echo state-left >> " + dir.path() + "/order; echo poststop >> " +
                       dir.path() + "/order; cat > " + dir.path() + "/poststop.json")};
        bundle.config["process"]["args"] = {"sleep", "100"};
        bundle.write();
        Result r = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find(point + " hook #1 (\"/bin/sh\")") != std::string::npos);
        CHECK(r.err.find("exit status 3") != std::string::npos);
        CHECK(r.err.find(point + " says no") != std::string::npos);
        CHECK(read_file(dir.path() + "/order") == "first\n" + point + "\npoststop\n");
        CHECK(saved_stdin(dir.path(), "poststop")["status"] == "stopped");
        CHECK(saved_stdin(dir.path(), "poststop")["id"] == id);
        check_nothing_left(ocirt, id);
    }
}

TEST_CASE("hooks: a failing startContainer hook fails start, named, the user's program never runs, and the container is destroyed") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    bind_hook_dir(bundle, dir.path());
    bundle.config["hooks"]["startContainer"] = {recording_hook(kInside, "startContainer", 4)};
    bundle.config["hooks"]["poststop"] = {recording_hook(dir.path(), "poststop")};
    bundle.shell(std::string("echo ran > ") + kInside + "/program");
    bundle.write();
    std::string id = unique_id("startfail");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    Result started = to_files(ocirt, {"start", id});
    CHECK(started.exit_code == 1);
    CHECK(started.err.find("startContainer hook #0 (\"/bin/sh\")") != std::string::npos);
    CHECK(started.err.find("startContainer says no") != std::string::npos);
    // runtime.md "Lifecycle" step 7: stop the container and go on at step 12 (destroy) and 13 (poststop).
    check_nothing_left(ocirt, id);
    CHECK(read_file(dir.path() + "/order") == "startContainer\npoststop\n");
    CHECK_FALSE(fs::exists(dir.path() + "/program"));
}

TEST_CASE("hooks: a failing poststart hook of a 1.3 config fails start, named; the next one does not run, the container is stopped and destroyed") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["ociVersion"] = "1.3.0";
    bind_hook_dir(bundle, dir.path());
    bundle.config["hooks"] = {
        {"poststart", {recording_hook(dir.path(), "poststart", 5), recording_hook(dir.path(), "poststart2")}},
        {"poststop", {recording_hook(dir.path(), "poststop")}}};
    bundle.shell(std::string("echo ran > ") + kInside + "/program; exec sleep 100");
    bundle.write();
    std::string id = unique_id("poststart13");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    pid_t init = state_of(ocirt, id)["pid"].get<pid_t>();
    Result started = to_files(ocirt, {"start", id});
    CHECK(started.exit_code == 1);
    CHECK(started.err.find("poststart hook #0 (\"/bin/sh\")") != std::string::npos);
    CHECK(started.err.find("poststart says no") != std::string::npos);
    // runtime.md "Lifecycle" step 9 (1.3): an error, the container stopped, then step 12 (destroy) and 13
    // (poststop hooks). The user's program had run (step 8).
    CHECK(read_file(dir.path() + "/program") == "ran\n");
    CHECK(read_file(dir.path() + "/order") == "poststart\npoststop\n");
    CHECK(saved_stdin(dir.path(), "poststop")["status"] == "stopped");
    CHECK(eventually([&] { return process_is_zombie_or_gone(init); }));
    check_nothing_left(ocirt, id);
}

TEST_CASE("hooks: a failing poststart (config ociVersion 1.2) or poststop hook is only a warning, and the next hook still runs") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    // runtime.md 1.2 "Lifecycle" step 9: a warning, for configs written to that version.
    bundle.config["ociVersion"] = "1.2.0";
    bundle.config["hooks"] = {
        {"poststart", {recording_hook(dir.path(), "poststart", 5), recording_hook(dir.path(), "poststart2")}},
        {"poststop", {recording_hook(dir.path(), "poststop", 6), recording_hook(dir.path(), "poststop2")}}};
    bundle.config["process"]["args"] = {"true"};
    bundle.write();
    std::string id = unique_id("postfail");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    Result started = to_files(ocirt, {"start", id});
    CHECK(started.exit_code == 0);
    CHECK(started.err.find("poststart hook #0 (\"/bin/sh\")") != std::string::npos);
    CHECK(started.err.find("poststart says no") != std::string::npos);
    CHECK(eventually([&] { return state_of(ocirt, id)["status"] == "stopped"; }));
    Result deleted = ocirt({"delete", id});
    CHECK(deleted.exit_code == 0);
    CHECK(deleted.err.find("poststop hook #0 (\"/bin/sh\")") != std::string::npos);
    CHECK(deleted.err.find("exit status 6") != std::string::npos);
    CHECK(read_file(dir.path() + "/order") == "poststart\npoststart2\npoststop\npoststop2\n");
    check_nothing_left(ocirt, id);
}

TEST_CASE("hooks: a hook that runs over its timeout is killed and create fails, naming it") {
    for (const std::string point : {"createRuntime", "createContainer"}) {
        CAPTURE(point);
        Ocirt ocirt;
        Bundle bundle;
        std::string marker = unique_id("slow-hook");
        nlohmann::json hook = shell_hook("sh -c 'sleep 10; true' " + marker + "; true");
        hook["timeout"] = 1;
        bundle.config["hooks"][point] = {hook};
        bundle.config["process"]["args"] = {"sleep", "100"};
        bundle.write();
        std::string id = unique_id("hooktimeout");
        Result r = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find(point + " hook #0 (\"/bin/sh\"): timed out after 1s and was killed") != std::string::npos);
        CHECK(eventually([&] { return processes_mentioning(marker).empty(); }));
        check_nothing_left(ocirt, id);
    }
}

TEST_CASE("hooks: poststart and poststop come from config.json as it was at create") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["hooks"] = {{"poststart", {recording_hook(dir.path(), "poststart")}},
                              {"poststop", {recording_hook(dir.path(), "poststop")}}};
    bundle.config["process"]["args"] = {"true"};
    bundle.write();
    std::string id = unique_id("hookfrozen");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    bundle.config["hooks"] = {{"poststart", {recording_hook(dir.path(), "edited-poststart")}},
                              {"poststop", {recording_hook(dir.path(), "edited-poststop")}}};
    bundle.write();
    REQUIRE(to_files(ocirt, {"start", id}).exit_code == 0);
    CHECK(eventually([&] { return state_of(ocirt, id)["status"] == "stopped"; }));
    REQUIRE(ocirt({"delete", id}).exit_code == 0);
    CHECK(read_file(dir.path() + "/order") == "poststart\npoststop\n");
}

TEST_CASE("hooks: poststart runs once the user's program has run (its first write is there)") {
    TempDir dir("ocirt-hooks");
    Ocirt ocirt;
    Bundle bundle;
    bind_hook_dir(bundle, dir.path());
    bundle.config["hooks"]["poststart"] = {
        shell_hook("cat " + dir.path() + "/program > " + dir.path() + "/seen_by_poststart 2>&1")};
    bundle.shell(std::string("echo ran > ") + kInside + "/program; exec sleep 100");
    bundle.write();
    std::string id = unique_id("poststartafter");
    Result created = to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    Result started = to_files(ocirt, {"start", id});
    REQUIRE_MESSAGE(started.exit_code == 0, started.err);
    CHECK(read_file(dir.path() + "/seen_by_poststart") == "ran\n");
}
