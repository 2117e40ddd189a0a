#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>

#include "container_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

TEST_CASE("create: the init waits on exec.fifo until start; state.json and the pid file name it") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-create");
    bundle.shell("echo started as $$");
    bundle.write();
    std::string id = unique_id("created");
    std::string pid_file = files.path() + "/init.pid";
    std::string out = files.path() + "/out", err = files.path() + "/err";
    auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", pid_file, id}, out, err);
    REQUIRE(created.exit_code == 0);
    CHECK(created.err == "");

    std::string pid_text = read_file(pid_file);
    CHECK(pid_text.find_first_not_of("0123456789") == std::string::npos);  // digits only, no newline
    REQUIRE(!pid_text.empty());
    pid_t pid = std::stoi(pid_text);
    CHECK(process_exists(pid));
    auto state = nlohmann::json::parse(read_file(ocirt.state_dir(id) + "/state.json"));
    CHECK(state["pid"] == pid);
    CHECK(state["bundle"] == bundle.path());
    CHECK(fs::is_fifo(ocirt.state_dir(id) + "/exec.fifo"));
    CHECK(read_file(out) == "");  // the process has not run yet
    CHECK(fs::read_symlink("/proc/" + pid_text + "/ns/pid") != fs::read_symlink("/proc/self/ns/pid"));

    auto started = ocirt({"start", id});
    CHECK(started.exit_code == 0);
    CHECK(started.err == "");
    CHECK_FALSE(fs::exists(ocirt.state_dir(id) + "/exec.fifo"));
    CHECK(eventually([&] { return read_file(out) == "started as 1\n"; }));
    CHECK(eventually([&] { return !process_exists(pid) || read_file("/proc/" + pid_text + "/stat").find(") Z") != std::string::npos; }));

    auto again = ocirt({"start", id});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("cannot start a container that is stopped") != std::string::npos);
}

TEST_CASE("start: a running container cannot be started again, a missing one is named") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-start");
    bundle.shell("sleep 30");
    bundle.write();
    std::string id = unique_id("running");
    std::string pid_file = files.path() + "/pid";
    REQUIRE(run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", pid_file, id}, files.path() + "/o",
                         files.path() + "/e")
                .exit_code == 0);
    CHECK(ocirt({"start", id}).exit_code == 0);
    auto again = ocirt({"start", id});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("cannot start a container that is running") != std::string::npos);
    ::kill(std::stoi(read_file(pid_file)), SIGKILL);
    auto missing = ocirt({"start", "no-such-container"});
    CHECK(missing.exit_code == 1);
    CHECK(missing.err.find("container \"no-such-container\" does not exist") != std::string::npos);
}

TEST_CASE("create: an existing id is refused and the first container is left alone") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-dup");
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("dup");
    REQUIRE(run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/o", files.path() + "/e")
                .exit_code == 0);
    auto second = ocirt({"create", "--bundle", bundle.path(), id});
    CHECK(second.exit_code == 1);
    CHECK(second.err.find("container \"" + id + "\" already exists") != std::string::npos);
    CHECK(fs::exists(ocirt.state_dir(id) + "/state.json"));
}

TEST_CASE("create: a failure leaves no state directory, process, cgroup or pid file behind") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-fail");
    bundle.config["mounts"].push_back({{"destination", "/bogus"}, {"source", "none"}, {"type", "bogusfs"}});
    bundle.write();
    std::string id = unique_id("failed");
    std::string pid_file = files.path() + "/pid";
    auto r = ocirt({"create", "--bundle", bundle.path(), "--pid-file", pid_file, id});
    CHECK(r.exit_code == 1);
    CHECK(r.err == "create: init: mount \"none\" on \"/bogus\" (type \"bogusfs\"): No such device\n");
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK_FALSE(fs::exists(pid_file));
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("create: --log-format json --log F records the error as a JSON line") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-log");
    bundle.config["mounts"].push_back({{"destination", "/bogus"}, {"source", "none"}, {"type", "bogusfs"}});
    bundle.write();
    std::string log = files.path() + "/log.json";
    auto r = ocirt({"--log-format", "json", "--log", log, "create", "--bundle", bundle.path(), unique_id("log")});
    CHECK(r.exit_code == 1);
    std::string text = read_file(log);
    REQUIRE(!text.empty());
    std::string last = text.substr(text.rfind('\n', text.size() - 2) == std::string::npos ? 0 : text.rfind('\n', text.size() - 2) + 1);
    auto line = nlohmann::json::parse(last);
    CHECK(line["level"] == "error");
    CHECK(line["msg"] == "create: init: mount \"none\" on \"/bogus\" (type \"bogusfs\"): No such device");
    CHECK(line["time"].get<std::string>().size() >= 20);
}

TEST_CASE("create: --debug logs the steps of parent and init with timestamps") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-debug");
    bundle.shell("true");
    bundle.write();
    std::string log = files.path() + "/debug.log";
    auto r = ocirt({"--debug", "--log", log, "run", "--bundle", bundle.path(), unique_id("debug")});
    CHECK(r.exit_code == 0);
    std::string text = read_file(log);
    for (const char* step : {"parent: fork t=", "init: cloned into new mount|uts|ipc|network|pid t=", "init: mounted /proc t=", "init: pivot_root t=",
                             "parent: init ready t=", "parent: started t="}) {
        INFO(step);
        CHECK(text.find(step) != std::string::npos);
    }
}
