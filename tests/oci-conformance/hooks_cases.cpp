// config.md "POSIX-platform Hooks" and runtime.md "Lifecycle": when each hook runs, in which namespace, what it
// reads on stdin, and what a failing hook does. The hooks are /bin/sh scripts writing into a temp dir that is also
// bound at the same path inside the container, so that hooks run in the container's namespaces can write there too.
// Skipped: the status that prestart/createRuntime/createContainer see (the spec is ambiguous: see the status case);
// "prestart ... called after the start operation is called" in the summary table (it contradicts the Prestart
// section, which the order case follows).
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "conformance.hpp"
#include "linux_support.hpp"

using namespace ocirt::conformance;
using ocirt::test::read_file;
using ocirt::test::unique_id;
namespace fs = std::filesystem;

namespace {

// A hook that appends its name to <dir>/order and saves its stdin as <dir>/<name>.json, then exits `status`.
nlohmann::json recording_hook(const std::string& dir, const std::string& name, int status = 0) {
    std::string script = "echo " + name + " >> " + dir + "/order; cat > " + dir + "/" + name + ".json; exit " +
                         std::to_string(status);
    return {{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}};
}

// A bundle whose hooks write into `dir`, which the container sees at the same path.
struct HookBundle {
    SpecBundle bundle;
    ocirt::test::TempDir dir{"conformance-hooks"};

    explicit HookBundle(const std::string& script = "true") {
        bundle.config["mounts"].push_back(
            {{"destination", dir.path()}, {"type", "bind"}, {"source", dir.path()}, {"options", {"rbind", "rw"}}});
        bundle.shell(script);
    }
    std::string file(const std::string& name) const { return dir.path() + "/" + name; }
    std::string order() const { return read_file(file("order")); }
};

std::string own_namespace(const std::string& kind) { return fs::read_symlink("/proc/self/ns/" + kind).string(); }

}  // namespace

TEST_CASE("config.md#posix-platform-hooks: hooks run in lifecycle order with the state on stdin [MUST]") {
    Runtime runtime;
    HookBundle b;
    const std::string d = b.dir.path();
    b.bundle.config["hooks"] = {{"prestart", {recording_hook(d, "prestart"), recording_hook(d, "prestart2")}},
                                {"createRuntime", {recording_hook(d, "createRuntime")}},
                                {"createContainer", {recording_hook(d, "createContainer")}},
                                {"startContainer", {recording_hook(d, "startContainer")}},
                                {"poststart", {recording_hook(d, "poststart")}},
                                {"poststop", {recording_hook(d, "poststop")}}};
    b.bundle.write();
    std::string id = unique_id("hooks");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    const std::string after_create = "prestart\nprestart2\ncreateRuntime\ncreateContainer\n";
    CHECK(b.order() == after_create);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(b.order() == after_create + "startContainer\npoststart\n");
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    CHECK(b.order() == after_create + "startContainer\npoststart\npoststop\n");
    for (const std::string name : {"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"}) {
        CAPTURE(name);
        auto state = nlohmann::json::parse(read_file(b.file(name + ".json")), nullptr, false);
        REQUIRE(state.is_object());
        CHECK(state.value("id", "") == id);
        CHECK(state.value("bundle", "") == b.bundle.path());
        CHECK(state.contains("ociVersion"));
        if (name != "poststop") CHECK(state.value("pid", 0) > 0);
    }
}

TEST_CASE("config.md#posix-platform-hooks: the state on a hook's stdin has the status of its step [MUST]") {
    Runtime runtime;
    HookBundle b("sleep 30");
    const std::string d = b.dir.path();
    // Not checked: the create-time hooks' status. runtime.md calls the state "created" once create is done, "after
    // step 2", and the prestart/createRuntime/createContainer hooks are steps 3-5 of create: runc says "creating",
    // crun "created".
    b.bundle.config["hooks"] = {{"startContainer", {recording_hook(d, "startContainer")}},
                                {"poststart", {recording_hook(d, "poststart")}},
                                {"poststop", {recording_hook(d, "poststop")}}};
    b.bundle.write();
    std::string id = unique_id("hookstatus");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(runtime({"kill", id, "KILL"}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    auto status = [&](const std::string& name) {
        return nlohmann::json::parse(read_file(b.file(name + ".json")), nullptr, false).value("status", "");
    };
    CHECK(status("startContainer") == "created");
    CHECK(status("poststart") == "running");
    CHECK(status("poststop") == "stopped");
}

TEST_CASE("config.md#posix-platform-hooks: hooks in the container namespace get the pid as the container sees it [MUST]") {
    Runtime runtime;
    HookBundle b;
    const std::string d = b.dir.path();
    b.bundle.config["hooks"] = {{"createRuntime", {recording_hook(d, "createRuntime")}},
                                {"createContainer", {recording_hook(d, "createContainer")}},
                                {"startContainer", {recording_hook(d, "startContainer")}}};
    b.bundle.write();
    std::string id = unique_id("hookpid");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    int host_pid = nlohmann::json::parse(runtime({"state", id}).out).value("pid", 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    auto pid = [&](const std::string& name) {
        return nlohmann::json::parse(read_file(b.file(name + ".json")), nullptr, false).value("pid", 0);
    };
    CHECK(pid("createRuntime") == host_pid);
    CHECK(pid("createContainer") == 1);  // the container process is the init of its pid namespace
    CHECK(pid("startContainer") == 1);
}

TEST_CASE("config.md#posix-platform-hooks: runtime-namespace hooks run in the runtime's namespaces, container-namespace hooks in the container's [MUST]") {
    Runtime runtime;
    HookBundle b;
    const std::string d = b.dir.path();
    auto ns_hook = [&](const std::string& name) {
        std::string script = "readlink /proc/self/ns/net > " + d + "/" + name + ".net; readlink /proc/self/ns/mnt > " + d + "/" +
                             name + ".mnt";
        return nlohmann::json{{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}};
    };
    b.bundle.config["hooks"] = {{"prestart", {ns_hook("prestart")}},         {"createRuntime", {ns_hook("createRuntime")}},
                                {"createContainer", {ns_hook("createContainer")}}, {"startContainer", {ns_hook("startContainer")}},
                                {"poststart", {ns_hook("poststart")}},       {"poststop", {ns_hook("poststop")}}};
    b.bundle.write();
    std::string id = unique_id("hookns");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    int pid = nlohmann::json::parse(runtime({"state", id}).out).value("pid", 0);
    REQUIRE(pid > 0);
    std::string container_net = fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net").string() + "\n";
    std::string container_mnt = fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/mnt").string() + "\n";
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    for (const std::string name : {"prestart", "createRuntime", "poststart", "poststop"}) {
        CAPTURE(name);
        CHECK(read_file(b.file(name + ".net")) == own_namespace("net") + "\n");
        CHECK(read_file(b.file(name + ".mnt")) == own_namespace("mnt") + "\n");
    }
    for (const std::string name : {"createContainer", "startContainer"}) {
        CAPTURE(name);
        CHECK(read_file(b.file(name + ".net")) == container_net);
        CHECK(read_file(b.file(name + ".mnt")) == container_mnt);
    }
}

TEST_CASE("config.md#posix-platform-hooks: prestart, createRuntime and createContainer run after the mounts are made and before pivot_root [MUST]") {
    Runtime runtime;
    HookBundle b;
    const std::string d = b.dir.path();
    b.bundle.config["mounts"].push_back({{"destination", "/conf-mounted"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=1m"}}});
    // Before pivot_root the container's mounts show under the rootfs's host path in mountinfo; after it, under /.
    std::string point = " " + b.bundle.path() + "/rootfs/conf-mounted ";
    auto runtime_hook = [&](const std::string& name) {
        std::string script = "pid=$(sed 's/.*\"pid\": *\\([0-9]*\\).*/\\1/'); grep -c '" + point + "' /proc/$pid/mountinfo > " + d + "/" + name;
        return nlohmann::json{{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}};
    };
    std::string container_script = "grep -c '" + point + "' /proc/self/mountinfo > " + d + "/createContainer";
    b.bundle.config["hooks"] = {{"prestart", {runtime_hook("prestart")}},
                                {"createRuntime", {runtime_hook("createRuntime")}},
                                {"createContainer", {{{"path", "/bin/sh"}, {"args", {"sh", "-c", container_script}}}}}};
    b.bundle.write();
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), unique_id("hookmounts")}).exit_code == 0);
    for (const std::string name : {"prestart", "createRuntime", "createContainer"}) {
        CAPTURE(name);
        CHECK(read_file(b.file(name)) == "1\n");
    }
}

TEST_CASE("config.md#posix-platform-hooks: poststart runs after the user program is executed and before start returns [MUST]") {
    Runtime runtime;
    HookBundle b("sleep 30; true");  // the shell stays (it would exec a lone last command)
    const std::string d = b.dir.path();
    std::string script = "pid=$(sed 's/.*\"pid\": *\\([0-9]*\\).*/\\1/'); tr '\\0' ' ' < /proc/$pid/cmdline > " + d + "/poststart";
    b.bundle.config["hooks"] = {{"poststart", {{{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}}}}};
    b.bundle.write();
    std::string id = unique_id("poststartexec");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(read_file(b.file("poststart")) == "/bin/sh -c sleep 30; true ");  // written before start returned
    runtime({"kill", id, "KILL"});
}

TEST_CASE("config.md#posix-platform-hooks: poststop runs after the container is deleted and before delete returns [MUST]") {
    Runtime runtime;
    HookBundle b;
    std::string id = unique_id("poststopafter");
    b.bundle.config["linux"]["cgroupsPath"] = "/" + id;
    std::string cgroup = cgroup_directory("pids", "/" + id);
    REQUIRE_FALSE(cgroup.empty());
    std::string script = "if test -e " + cgroup + "; then echo cgroup-still-there; else echo cgroup-gone; fi > " + b.file("poststop");
    b.bundle.config["hooks"] = {{"poststop", {{{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}}}}};
    b.bundle.write();
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(fs::exists(cgroup));
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    CHECK(read_file(b.file("poststop")) == "cgroup-gone\n");
}

TEST_CASE("config.md#posix-platform-hooks: prestart, createRuntime, createContainer, poststart and poststop paths resolve in the runtime namespace [MUST]") {
    Runtime runtime;
    HookBundle b;
    ocirt::test::TempDir host_only("conformance-hostonly");  // not bound into the container
    std::string hook = host_only.path() + "/hook";
    std::ofstream(hook) << "#!/bin/sh\necho \"$1\" >> " << b.file("order") << "\n";
    fs::permissions(hook, fs::perms(0755));
    auto entry = [&](const std::string& name) { return nlohmann::json{{"path", hook}, {"args", {"hook", name}}}; };
    b.bundle.config["hooks"] = {{"prestart", {entry("prestart")}},   {"createRuntime", {entry("createRuntime")}},
                                {"createContainer", {entry("createContainer")}}, {"poststart", {entry("poststart")}},
                                {"poststop", {entry("poststop")}}};
    b.bundle.write();
    std::string id = unique_id("hostpaths");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    REQUIRE(runtime({"delete", id}).exit_code == 0);
    CHECK(b.order() == "prestart\ncreateRuntime\ncreateContainer\npoststart\npoststop\n");
}

TEST_CASE("config.md#posix-platform-hooks: a startContainer hook's path resolves in the container [MUST]") {
    Runtime runtime;
    HookBundle b;
    std::ofstream(b.bundle.path() + "/rootfs/conformance-start-hook") << "#!/bin/sh\necho in-container > " << b.file("start") << "\n";
    fs::permissions(b.bundle.path() + "/rootfs/conformance-start-hook", fs::perms(0755));
    REQUIRE_FALSE(fs::exists("/conformance-start-hook"));
    b.bundle.config["hooks"] = {{"startContainer", {{{"path", "/conformance-start-hook"}}}}};
    b.bundle.write();
    std::string id = unique_id("hookpath");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(read_file(b.file("start")) == "in-container\n");
}

TEST_CASE("config.md#posix-platform-hooks: a hook gets exactly its args (argv[0] included) and env [MUST]") {
    Runtime runtime;
    HookBundle b;
    ::setenv("CONFORMANCE_CALLER_ONLY", "leaked", 1);
    std::string script = "tr '\\0' ' ' < /proc/$$/cmdline > " + b.file("args") + "; env > " + b.file("env");
    b.bundle.config["hooks"] = {{"createRuntime", {{{"path", "/bin/sh"}, {"args", {"custom-argv0", "-c", script, "first"}},
                                                   {"env", {"HOOK_VAR=hook value", "SECOND=2"}}}}}};
    b.bundle.write();
    auto r = runtime.to_files({"create", "--bundle", b.bundle.path(), unique_id("hookargs")});
    ::unsetenv("CONFORMANCE_CALLER_ONLY");
    REQUIRE(r.exit_code == 0);
    CHECK(read_file(b.file("args")) == "custom-argv0 -c " + script + " first ");
    std::string env = read_file(b.file("env"));
    CHECK(lines_with(env, "HOOK_VAR=hook value").size() == 1);
    CHECK(lines_with(env, "SECOND=2").size() == 1);
    CHECK(lines_with(env, "CONFORMANCE_CALLER_ONLY").empty());
}

TEST_CASE("config.md#posix-platform-hooks: a hook that outlives its timeout is aborted and fails the operation [MUST]") {
    Runtime runtime;
    HookBundle b;
    std::string script = "echo started > " + b.file("started") + "; sleep 20 </dev/null >/dev/null 2>&1; echo finished > " + b.file("finished");
    b.bundle.config["hooks"] = {{"createRuntime", {{{"path", "/bin/sh"}, {"args", {"sh", "-c", script}}, {"timeout", 1}}}}};
    b.bundle.write();
    std::string id = unique_id("hooktimeout");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK(fs::exists(b.file("started")));
    CHECK_FALSE(fs::exists(b.file("finished")));
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("config.md#posix-platform-hooks: a hook timeout that is not greater than zero is an error [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"createRuntime", {{{"path", "/bin/true"}, {"timeout", 0}}}}};
    b.bundle.write();
    std::string id = unique_id("hookzero");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("config.md#posix-platform-hooks: a hook path that is not absolute is an error [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"createRuntime", {{{"path", "true"}}}}};
    b.bundle.write();
    std::string id = unique_id("hookrel");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#lifecycle: a failing prestart hook fails create and the container is destroyed [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"prestart", {recording_hook(b.dir.path(), "prestart", 1)}}};
    b.bundle.write();
    std::string id = unique_id("hookfail");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK(b.order() == "prestart\n");
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#lifecycle: a failing createRuntime hook fails create and the container is destroyed [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"createRuntime", {recording_hook(b.dir.path(), "createRuntime", 1)}},
                                {"createContainer", {recording_hook(b.dir.path(), "createContainer")}}};
    b.bundle.write();
    std::string id = unique_id("crfail");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK(b.order() == "createRuntime\n");
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#lifecycle: a failing createContainer hook fails create and the container is destroyed [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"createContainer", {recording_hook(b.dir.path(), "createContainer", 1)}}};
    b.bundle.write();
    std::string id = unique_id("ccfail");
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), id}));
    CHECK(b.order() == "createContainer\n");
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#lifecycle: a failing startContainer hook fails start, the program does not run and the container is destroyed [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.shell("echo ran > " + b.file("program"));
    b.bundle.config["hooks"] = {{"startContainer", {recording_hook(b.dir.path(), "startContainer", 1)}}};
    b.bundle.write();
    std::string id = unique_id("scfail");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK_REFUSED(runtime.to_files({"start", id}));
    CHECK(b.order() == "startContainer\n");
    CHECK_FALSE(fs::exists(b.file("program")));
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#lifecycle: after a failing createRuntime hook the poststop hooks run (steps 12 and 13) [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"createRuntime", {recording_hook(b.dir.path(), "createRuntime", 1)}},
                                {"poststop", {recording_hook(b.dir.path(), "poststop")}}};
    b.bundle.write();
    CHECK_REFUSED(runtime.to_files({"create", "--bundle", b.bundle.path(), unique_id("crpoststop")}));
    CHECK(b.order() == "createRuntime\npoststop\n");
}

TEST_CASE("runtime.md#lifecycle: with ociVersion 1.3, a failing poststart hook fails start, the next does not run, and the container is stopped and destroyed [MUST]") {
    // runtime.md 1.3 step 9: "generate an error, stop the container, and continue the lifecycle at step 12"
    // (destroy), then step 13 (poststop hooks).
    Runtime runtime;
    HookBundle b;
    b.bundle.shell("echo ran > " + b.file("program") + "; exec sleep 100");
    b.bundle.config["ociVersion"] = "1.3.0";
    b.bundle.config["hooks"] = {{"poststart", {recording_hook(b.dir.path(), "poststart", 1), recording_hook(b.dir.path(), "second")}},
                                {"poststop", {recording_hook(b.dir.path(), "poststop")}}};
    b.bundle.write();
    std::string id = unique_id("poststart13");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK_REFUSED(runtime.to_files({"start", id}));
    CHECK(read_file(b.file("program")) == "ran\n");
    CHECK(b.order() == "poststart\npoststop\n");
    CHECK_REFUSED(runtime({"state", id}));
}

TEST_CASE("runtime.md#lifecycle: a failing poststart hook is only a warning: start succeeds and the next hooks run [MUST]" *
          doctest::description("deliberate: runtime.md#lifecycle (1.0 to 1.2 step 9; this config is 1.0.2): runc 1.1 makes a "
                               "failing poststart hook an error; spec 1.2 asks for a warning")) {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"poststart", {recording_hook(b.dir.path(), "poststart", 1), recording_hook(b.dir.path(), "second")}}};
    b.bundle.write();
    std::string id = unique_id("poststartfail");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    CHECK(runtime.to_files({"start", id}).exit_code == 0);
    CHECK(reaches_status(runtime, id, "stopped"));
    CHECK(b.order() == "poststart\nsecond\n");
}

TEST_CASE("runtime.md#lifecycle: a failing poststop hook is only a warning: delete succeeds and the next hooks run [MUST]") {
    Runtime runtime;
    HookBundle b;
    b.bundle.config["hooks"] = {{"poststop", {recording_hook(b.dir.path(), "poststop", 1), recording_hook(b.dir.path(), "second")}}};
    b.bundle.write();
    std::string id = unique_id("poststopfail");
    REQUIRE(runtime.to_files({"create", "--bundle", b.bundle.path(), id}).exit_code == 0);
    REQUIRE(runtime.to_files({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(runtime({"delete", id}).exit_code == 0);
    CHECK(b.order() == "poststop\nsecond\n");
    CHECK_REFUSED(runtime({"state", id}));
}
