// pause/resume, update, events, kill --all and delete --force against real cgroups, and --systemd-cgroup on
// a host without systemd. The cases that read v1 files back are "cgroups v1:" and skip on a host without
// those hierarchies; their cgroup2 counterparts are in cgroups_v2_commands_test.cpp.
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cgroup_command_helpers.hpp"
#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "emulated_systemd.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
using nlohmann::json;
namespace fs = std::filesystem;

TEST_CASE("cgroups v1: pause/resume: state turns paused and running, freezer.state reads back, the container's counter stops") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"freezer"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell(kCounterLoop);
    RunningContainer container(ocirt, bundle, "pause");
    REQUIRE(eventually([&] { return counter(container.pid()) > 0; }));
    std::string freezer = v1_cgroup_dir(container.pid(), "freezer") + "/freezer.state";

    auto pause = ocirt({"pause", container.id()});
    INFO(pause.err);
    REQUIRE(pause.exit_code == 0);
    CHECK(status_of(ocirt, container.id()) == "paused");
    CHECK(cgroup_file(freezer) == "FROZEN");
    long frozen_at = counter(container.pid());
    sleep_ms(300);
    CHECK(counter(container.pid()) == frozen_at);

    auto again = ocirt({"pause", container.id()});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("is paused, not running") != std::string::npos);

    auto resume = ocirt({"resume", container.id()});
    INFO(resume.err);
    REQUIRE(resume.exit_code == 0);
    CHECK(status_of(ocirt, container.id()) == "running");
    CHECK(cgroup_file(freezer) == "THAWED");
    CHECK(eventually([&] { return counter(container.pid()) > frozen_at + 3; }));

    auto resume_running = ocirt({"resume", container.id()});
    CHECK(resume_running.exit_code == 1);
    CHECK(resume_running.err.find("is running, not paused") != std::string::npos);
}

TEST_CASE("pause: a stopped or unknown container is refused") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("exit 0");
    RunningContainer container(ocirt, bundle, "pause-stopped");
    REQUIRE(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
    auto pause = ocirt({"pause", container.id()});
    CHECK(pause.exit_code == 1);
    CHECK(pause.err.find("has stopped: container not running") != std::string::npos);
    auto unknown = ocirt({"resume", "no-such-container"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("does not exist") != std::string::npos);
}

TEST_CASE("kill: SIGKILL to a paused container's init kills it (the cgroup is thawed)") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "kill-paused");
    REQUIRE(ocirt({"pause", container.id()}).exit_code == 0);
    REQUIRE(status_of(ocirt, container.id()) == "paused");
    auto kill = ocirt({"kill", container.id(), "9"});
    INFO(kill.err);
    REQUIRE(kill.exit_code == 0);
    CHECK(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
    auto del = ocirt({"delete", container.id()});
    INFO(del.err);
    CHECK(del.exit_code == 0);
    CHECK(cgroups_named(container.id()).empty());
}

TEST_CASE("kill --all: reaches nested processes outside the init's reach, then delete leaves no cgroup") {
    Ocirt ocirt;
    Bundle bundle;
    nested_sleepers(bundle, "7311", "7312", "7313");
    RunningContainer container(ocirt, bundle, "kill-all");
    REQUIRE(eventually([&] { return processes_with("7311") == 1 && processes_with("7312") == 1; }));
    // The shells in between are gone a moment later: then the container holds exactly the three sleeps.
    CHECK(eventually([&] { return json::parse(ocirt({"ps", "--format", "json", container.id()}).out).size() == 3; }));

    auto kill = ocirt({"kill", "--all", container.id(), "KILL"});
    INFO(kill.err);
    REQUIRE(kill.exit_code == 0);
    CHECK(eventually([&] { return processes_with("7311") + processes_with("7312") + processes_with("7313") == 0; }));
    CHECK(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
    REQUIRE(ocirt({"delete", container.id()}).exit_code == 0);
    CHECK(cgroups_named(container.id()).empty());
}

TEST_CASE("kill --all of a stopped container signals what its init left in the cgroup, and exits 0 as runc does") {
    Ocirt ocirt;
    Bundle bundle;
    // No PID namespace of its own, like a container in a Kubernetes pod that shares the pod's: the init's
    // child outlives the init.
    drop_namespace(bundle, "pid");
    bundle.shell("sleep 7321 </dev/null >/dev/null 2>&1 & exit 0");
    RunningContainer container(ocirt, bundle, "kill-all-stopped");
    REQUIRE(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
    REQUIRE(eventually([&] { return processes_with("7321") == 1; }));

    auto kill = ocirt({"kill", "--all", container.id(), "9"});
    INFO(kill.err);
    CHECK(kill.exit_code == 0);
    CHECK(eventually([&] { return processes_with("7321") == 0; }));
    // Nothing left to signal: still no error (containerd's shim sends it whether or not anything is left).
    auto again = ocirt({"kill", "--all", container.id(), "9"});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    // Without --all, a stopped container is still "not running".
    CHECK(ocirt({"kill", container.id(), "9"}).exit_code != 0);
    REQUIRE(ocirt({"delete", container.id()}).exit_code == 0);
    CHECK(cgroups_named(container.id()).empty());
}

namespace {

// state.json as an ocirt before the typed cgroup record wrote it: "cgroupPath" one path when every hierarchy
// has the same, else a JSON object of them by hierarchy; "cgroupCreatedFrom" the same way; "systemdCgroup".
void write_old_cgroup_record(const Ocirt& ocirt, const std::string& id) {
    std::string file = ocirt.state_dir(id) + "/state.json";
    json state = json::parse(read_file(file));
    json paths = json::object(), parents = json::object();
    std::set<std::string> distinct_paths, distinct_parents;
    for (const auto& [key, p] : state.at("cgroup").at("paths").items()) {
        paths[key] = p.at("cgroup");
        parents[key] = p.value("createdFrom", "");
        distinct_paths.insert(p.at("cgroup").get<std::string>());
        distinct_parents.insert(p.value("createdFrom", ""));
    }
    state.erase("cgroup");
    state["cgroupPath"] = distinct_paths.size() == 1 ? *distinct_paths.begin() : paths.dump();
    state["cgroupCreatedFrom"] = distinct_parents.size() == 1 ? *distinct_parents.begin() : parents.dump();
    state["systemdCgroup"] = false;
    std::ofstream(file) << state.dump();
}

}  // namespace

TEST_CASE("an older ocirt's state.json (cgroupPath string): pause, ps, kill --all and delete work on its cgroup") {
    Ocirt ocirt;
    Bundle bundle;
    nested_sleepers(bundle, "7331", "7332", "7333");
    RunningContainer container(ocirt, bundle, "old-record");
    REQUIRE(eventually([&] { return processes_with("7331") == 1 && processes_with("7332") == 1; }));
    write_old_cgroup_record(ocirt, container.id());
    REQUIRE_FALSE(cgroups_named(container.id()).empty());

    REQUIRE(ocirt({"pause", container.id()}).exit_code == 0);
    CHECK(status_of(ocirt, container.id()) == "paused");
    REQUIRE(ocirt({"resume", container.id()}).exit_code == 0);
    CHECK(eventually([&] { return json::parse(ocirt({"ps", "--format", "json", container.id()}).out).size() == 3; }));
    auto kill = ocirt({"kill", "--all", container.id(), "KILL"});
    INFO(kill.err);
    REQUIRE(kill.exit_code == 0);
    CHECK(eventually([&] { return processes_with("7331") + processes_with("7332") + processes_with("7333") == 0; }));
    CHECK(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
    auto del = ocirt({"delete", container.id()});
    INFO(del.err);
    REQUIRE(del.exit_code == 0);
    CHECK(cgroups_named(container.id()).empty());
}

TEST_CASE("delete --force: a paused container with nested processes leaves no process, cgroup or state behind") {
    Ocirt ocirt;
    Bundle bundle;
    nested_sleepers(bundle, "7321", "7322", "7323");
    RunningContainer container(ocirt, bundle, "delete-paused");
    REQUIRE(eventually([&] { return processes_with("7321") == 1 && processes_with("7322") == 1; }));
    REQUIRE(ocirt({"pause", container.id()}).exit_code == 0);

    auto del = ocirt({"delete", "--force", container.id()});
    INFO(del.err);
    REQUIRE(del.exit_code == 0);
    CHECK(eventually([&] { return processes_with("7321") + processes_with("7322") + processes_with("7323") == 0; }));
    CHECK(cgroups_named(container.id()).empty());
    CHECK_FALSE(fs::exists(ocirt.state_dir(container.id())));
}

TEST_CASE("cgroups v1: events --stats: one line of runc's JSON with pids, memory and cpu read from the v1 files") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpuacct", "pids", "memory"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 1000 & sleep 1001 & sleep 1002");
    RunningContainer container(ocirt, bundle, "events-stats");
    size_t processes = 0;
    CHECK(eventually(
        [&] {
            auto ps = ocirt({"ps", "--format", "json", container.id()});
            processes = ps.exit_code == 0 ? json::parse(ps.out).size() : 0;
            return processes == 3;
        },
        10000));

    auto events = ocirt({"events", "--stats", container.id()});
    INFO(events.err);
    REQUIRE(events.exit_code == 0);
    CHECK(std::count(events.out.begin(), events.out.end(), '\n') == 1);
    json line = json::parse(events.out);
    CHECK(line["type"] == "stats");
    CHECK(line["id"] == container.id());
    const json& data = line["data"];
    CHECK(data["pids"]["current"].get<size_t>() == processes);
    CHECK(data["memory"]["usage"]["usage"].get<uint64_t>() > 0);
    CHECK(data["memory"]["usage"]["limit"].get<uint64_t>() > 0);
    CHECK(data["memory"]["raw"].contains("total_rss"));
    CHECK(data["cpu"]["usage"]["total"].get<uint64_t>() > 0);
    CHECK(data["cpu"]["usage"]["percpu"].size() == static_cast<size_t>(::sysconf(_SC_NPROCESSORS_CONF)));
    CHECK(data["cpu"].contains("throttling"));
    CHECK(data["blkio"].is_object());
    CHECK(data["hugetlb"].is_object());
    // The same numbers the kernel shows in the container's v1 files.
    uint64_t usage = std::stoull(read_file(v1_cgroup_dir(container.pid(), "cpuacct") + "/cpuacct.usage"));
    CHECK(data["cpu"]["usage"]["total"].get<uint64_t>() <= usage);
    CHECK(cgroup_file(v1_cgroup_dir(container.pid(), "pids") + "/pids.current") == std::to_string(processes));
}

TEST_CASE("events: stats lines every interval until the container stops, then exit 0") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "events-loop");
    TempDir files("ocirt-events");
    std::string out = files.path() + "/out";
    pid_t events = spawn_events(ocirt, {"events", "--interval", "100ms", container.id()}, out, files.path() + "/err");
    auto lines = [&] {
        std::istringstream in(read_file(out));
        std::vector<json> all;
        for (std::string l; std::getline(in, l);) all.push_back(json::parse(l));
        return all;
    };
    CHECK(eventually([&] { return lines().size() >= 3; }));
    REQUIRE(ocirt({"kill", container.id(), "KILL"}).exit_code == 0);
    CHECK(wait_exit(events) == 0);
    for (const auto& l : lines()) {
        CHECK(l["type"] == "stats");
        CHECK(l["data"]["pids"].is_object());
    }
}

TEST_CASE("cgroups v1: events: a kernel OOM kill in the container prints an oom event (memory.oom_control)") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 0.2; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000");
    bundle.write();
    TempDir files("ocirt-oom");
    std::string id = unique_id("events-oom");
    std::string pid_file = files.path() + "/pid";
    auto create = run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", pid_file, id},
                               files.path() + "/create.out", files.path() + "/create.err");
    INFO(create.err);
    REQUIRE(create.exit_code == 0);
    pid_t init = std::stoi(read_file(pid_file));
    // The limit is written here so that this test holds whatever maps linux.resources.memory.
    std::ofstream(v1_cgroup_dir(init, "memory") + "/memory.limit_in_bytes") << (16 << 20);

    std::string out = files.path() + "/events.out";
    pid_t events = spawn_events(ocirt, {"events", "--interval", "10s", id}, out, files.path() + "/events.err");
    // The first stats line comes after the OOM notification is registered.
    REQUIRE(eventually([&] { return read_file(out).find("\"stats\"") != std::string::npos; }));
    auto start = run_to_files(ocirt, {"start", id}, files.path() + "/start.out", files.path() + "/start.err");
    REQUIRE(start.exit_code == 0);

    std::string oom_line = "{\"type\":\"oom\",\"id\":\"" + id + "\"}";
    CHECK(eventually([&] { return read_file(out).find(oom_line) != std::string::npos; }, 10000));
    REQUIRE(ocirt({"kill", id, "KILL"}).exit_code == 0);
    CHECK(wait_exit(events) == 0);
    INFO(read_file(files.path() + "/events.err"));
    CHECK(ocirt({"delete", id}).exit_code == 0);
}

TEST_CASE("update: a stopped container, bad JSON values, bad flags and Intel RDT are refused with clear errors") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("exit 0");
    RunningContainer stopped(ocirt, bundle, "update-stopped");
    REQUIRE(eventually([&] { return status_of(ocirt, stopped.id()) == "stopped"; }));
    auto refused = ocirt({"update", "--memory", "64m", stopped.id()});
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("has stopped: container not running: only a created, running or paused container can be updated") !=
          std::string::npos);

    Bundle live_bundle;
    live_bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer live(ocirt, live_bundle, "update-errors");
    auto bad_type = ocirt({"update", "--resources", "-", live.id()}, R"({"memory": {"limit": "lots"}})");
    CHECK(bad_type.exit_code == 1);
    CHECK(bad_type.err.find("stdin: /memory/limit:") != std::string::npos);
    auto bad_json = ocirt({"update", "-r", "-", live.id()}, R"({"pids": )");
    CHECK(bad_json.exit_code == 1);
    CHECK(bad_json.err.find("stdin:") != std::string::npos);
    auto bad_size = ocirt({"update", "--memory", "12x", live.id()});
    CHECK(bad_size.exit_code == 1);
    CHECK(bad_size.err.find("--memory: invalid size \"12x\"") != std::string::npos);
    auto bad_number = ocirt({"update", "--cpu-quota", "lots", live.id()});
    CHECK(bad_number.exit_code == 1);
    CHECK(bad_number.err.find("--cpu-quota: invalid value \"lots\"") != std::string::npos);
    auto rdt = ocirt({"update", "--l3-cache-schema", "L3:0=f", live.id()});
    CHECK(rdt.exit_code == 1);
    CHECK(rdt.err.find("Intel RDT") != std::string::npos);
    auto mixed = ocirt({"update", "--resources", "-", "--memory", "1g", live.id()}, "{}");
    CHECK(mixed.exit_code == 1);
    CHECK(mixed.err.find("cannot be combined") != std::string::npos);
    auto nothing = ocirt({"update", live.id()});
    CHECK(nothing.exit_code == 1);
}

TEST_CASE("--systemd-cgroup: without systemd, create fails naming the flag and leaves no state or cgroup") {
    HostSystemdHidden no_systemd;  // the same on a host that runs one
    Ocirt ocirt;
    Bundle bundle;
    std::string id = unique_id("systemd");
    bundle.config["linux"]["cgroupsPath"] = "ocirt-test.slice:ocirt:" + id;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    bundle.write();
    auto run = ocirt({"--systemd-cgroup", "run", "-d", "--bundle", bundle.path(), id});
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("--systemd-cgroup: no systemd answers to create unit \"ocirt-" + id + ".scope\"") !=
          std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named("ocirt-" + id + ".scope").empty());
    CHECK(cgroups_named("ocirt-test.slice").empty());

    bundle.config["linux"]["cgroupsPath"] = "/not/systemd/" + id;
    bundle.systemd_path_rewrite = false;
    bundle.write();
    auto bad = ocirt({"--systemd-cgroup", "create", "--bundle", bundle.path(), id});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find("cgroupsPath must be \"slice:prefix:name\"") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
}

TEST_CASE("--systemd-cgroup --rootless: the unit is asked of the user's own systemd, on cgroup v2 only") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir runtime_dir("ocirt-xdg-runtime");  // a user's XDG_RUNTIME_DIR where no systemd listens
    std::string id = unique_id("systemd-user");
    bundle.config["linux"]["cgroupsPath"] = ":ocirt:" + id;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    bundle.write();
    std::string old_runtime_dir = std::getenv("XDG_RUNTIME_DIR") ? std::getenv("XDG_RUNTIME_DIR") : "";
    std::string old_address = std::getenv("DBUS_SESSION_BUS_ADDRESS") ? std::getenv("DBUS_SESSION_BUS_ADDRESS") : "";
    ::setenv("XDG_RUNTIME_DIR", runtime_dir.path().c_str(), 1);
    ::unsetenv("DBUS_SESSION_BUS_ADDRESS");
    auto run = ocirt({"--systemd-cgroup", "--rootless", "true", "run", "-d", "--bundle", bundle.path(), id});
    if (old_runtime_dir.empty())
        ::unsetenv("XDG_RUNTIME_DIR");
    else
        ::setenv("XDG_RUNTIME_DIR", old_runtime_dir.c_str(), 1);
    if (!old_address.empty()) ::setenv("DBUS_SESSION_BUS_ADDRESS", old_address.c_str(), 1);
    INFO(run.err);
    CHECK(run.exit_code == 1);
    if (ocirt::cgroups::Hierarchy::detect().mode() == ocirt::cgroups::Hierarchy::Mode::v2) {
        // Not the system's instance: the user's, on $XDG_RUNTIME_DIR/systemd/private, then its session bus.
        CHECK(run.err.find("--systemd-cgroup: the user's systemd instance does not answer to create unit \"ocirt-" + id +
                           ".scope\"") != std::string::npos);
        CHECK(run.err.find(runtime_dir.path() + "/systemd/private: connect") != std::string::npos);
        CHECK(run.err.find("unix:path=" + runtime_dir.path() + "/bus: connect") != std::string::npos);
    } else {
        CHECK(run.err.find("/linux/cgroupsPath: --systemd-cgroup: a rootless container's unit needs a cgroup v2 host") !=
              std::string::npos);
    }
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named("ocirt-" + id + ".scope").empty());
}

TEST_CASE("cgroups v1: update: runc's flags write memory, cpu quota/period/shares, cpuset, pids and blkio weight, read back") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory", "cpu", "cpuset", "pids"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "update-flags");
    auto file = [&](const std::string& controller, const std::string& name) {
        return cgroup_file(v1_cgroup_dir(container.pid(), controller) + "/" + name);
    };
    // A kernel without CFQ and BFQ has no blkio weight file: the weight is refused, naming the field and the file.
    std::string weight_file = v1_blkio_weight_file();
    if (weight_file.empty()) {
        auto refused = ocirt({"update", "--blkio-weight", "300", container.id()});
        CHECK(refused.exit_code == 1);
        CHECK(refused.err.find("/linux/resources/blockIO/weight") != std::string::npos);
        CHECK(refused.err.find("blkio.bfq.weight") != std::string::npos);
    }
    std::vector<std::string> flags = {"update",        "--memory",    "64m",          "--cpu-quota", "20000",
                                      "--cpu-period",  "100000",      "--cpu-share",  "512",         "--cpuset-cpus",
                                      "0",             "--pids-limit", "50"};
    if (!weight_file.empty()) flags.insert(flags.end(), {"--blkio-weight", "300"});
    flags.push_back(container.id());
    auto update = ocirt(flags);
    INFO(update.err);
    REQUIRE(update.exit_code == 0);
    CHECK(file("memory", "memory.limit_in_bytes") == std::to_string(64 << 20));
    CHECK(file("cpu", "cpu.cfs_quota_us") == "20000");
    CHECK(file("cpu", "cpu.cfs_period_us") == "100000");
    CHECK(file("cpu", "cpu.shares") == "512");
    CHECK(file("cpuset", "cpuset.cpus") == "0");
    CHECK(file("pids", "pids.max") == "50");
    if (!weight_file.empty()) CHECK(file("blkio", weight_file) == "300");

    auto memory = ocirt({"update", "--memory", "128M", "--memory-swap", "256m", "--memory-reservation", "32m",
                         container.id()});
    INFO(memory.err);
    REQUIRE(memory.exit_code == 0);
    CHECK(file("memory", "memory.limit_in_bytes") == std::to_string(128 << 20));
    CHECK(file("memory", "memory.memsw.limit_in_bytes") == std::to_string(256 << 20));
    CHECK(file("memory", "memory.soft_limit_in_bytes") == std::to_string(32 << 20));
    CHECK(file("cpu", "cpu.cfs_quota_us") == "20000");

    // runc: a memory limit of -1 without a swap value lifts both.
    REQUIRE(ocirt({"update", "--memory", "-1", container.id()}).exit_code == 0);
    CHECK(file("memory", "memory.limit_in_bytes") == file("memory", "memory.memsw.limit_in_bytes"));
    CHECK(std::stoull(file("memory", "memory.limit_in_bytes")) > (1ull << 60));
}

TEST_CASE("cgroups v1: update: --resources from stdin writes only the values it has, on a paused container too") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory", "cpu", "cpuset", "pids", "freezer"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "update-json");
    auto file = [&](const std::string& controller, const std::string& name) {
        return cgroup_file(v1_cgroup_dir(container.pid(), controller) + "/" + name);
    };
    REQUIRE(ocirt({"update", "--cpuset-cpus", "0", "--pids-limit", "40", container.id()}).exit_code == 0);
    REQUIRE(ocirt({"pause", container.id()}).exit_code == 0);

    auto update = ocirt({"update", "--resources", "-", container.id()},
                        R"({"memory": {"limit": 33554432}, "cpu": {"quota": 50000, "period": 100000}})");
    INFO(update.err);
    REQUIRE(update.exit_code == 0);
    CHECK(file("memory", "memory.limit_in_bytes") == "33554432");
    CHECK(file("cpu", "cpu.cfs_quota_us") == "50000");
    CHECK(file("cpuset", "cpuset.cpus") == "0");
    CHECK(file("pids", "pids.max") == "40");
    CHECK(status_of(ocirt, container.id()) == "paused");

    auto events = ocirt({"events", "--stats", container.id()});
    REQUIRE(events.exit_code == 0);
    json data = json::parse(events.out)["data"];
    CHECK(data["pids"]["limit"] == 40);
    CHECK(data["memory"]["usage"]["limit"] == 33554432);
    REQUIRE(ocirt({"resume", container.id()}).exit_code == 0);
}

TEST_CASE("kill --all: SIGKILL reaches every nested process of a paused container") {
    Ocirt ocirt;
    Bundle bundle;
    nested_sleepers(bundle, "7331", "7332", "7333");
    RunningContainer container(ocirt, bundle, "kill-all-paused");
    REQUIRE(eventually([&] { return processes_with("7331") == 1 && processes_with("7332") == 1; }));
    REQUIRE(ocirt({"pause", container.id()}).exit_code == 0);
    auto kill = ocirt({"kill", "--all", container.id(), "9"});
    INFO(kill.err);
    REQUIRE(kill.exit_code == 0);
    CHECK(eventually([&] { return processes_with("7331") + processes_with("7332") + processes_with("7333") == 0; }));
    CHECK(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
    REQUIRE(ocirt({"delete", container.id()}).exit_code == 0);
    CHECK(cgroups_named(container.id()).empty());
}

TEST_CASE("cgroups v1: pause/resume: a created container can be paused and resumed (freezer.state), then started") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"freezer"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    bundle.write();
    TempDir files("ocirt-pause-created");
    std::string id = unique_id("pause-created");
    std::string pid_file = files.path() + "/pid";
    REQUIRE(run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", pid_file, id},
                         files.path() + "/out", files.path() + "/err")
                .exit_code == 0);
    pid_t init = std::stoi(read_file(pid_file));
    REQUIRE(ocirt({"pause", id}).exit_code == 0);
    CHECK(cgroup_file(v1_cgroup_dir(init, "freezer") + "/freezer.state") == "FROZEN");
    auto again = ocirt({"pause", id});
    CHECK(again.err.find("is paused, not running") != std::string::npos);
    auto resume = ocirt({"resume", id});
    INFO(resume.err);
    REQUIRE(resume.exit_code == 0);
    CHECK(cgroup_file(v1_cgroup_dir(init, "freezer") + "/freezer.state") == "THAWED");
    REQUIRE(run_to_files(ocirt, {"start", id}, files.path() + "/out", files.path() + "/err").exit_code == 0);
    CHECK(status_of(ocirt, id) == "running");
    REQUIRE(ocirt({"kill", id, "KILL"}).exit_code == 0);
}

TEST_CASE("events: a stopped container, an unknown one and a bad --interval are refused") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("exit 0");
    RunningContainer stopped(ocirt, bundle, "events-stopped");
    REQUIRE(eventually([&] { return status_of(ocirt, stopped.id()) == "stopped"; }));
    for (const auto& args : {std::vector<std::string>{"events", "--stats", stopped.id()},
                             std::vector<std::string>{"events", stopped.id()}}) {
        auto events = ocirt(args);
        CHECK(events.exit_code == 1);
        CHECK(events.err.find("has stopped: container not running") != std::string::npos);
        CHECK(events.out == "");
    }
    CHECK(ocirt({"events", "--stats", "no-such-container"}).err.find("does not exist") != std::string::npos);
    auto interval = ocirt({"events", "--interval", "soon", stopped.id()});
    CHECK(interval.exit_code == 1);
    CHECK(interval.err.find("--interval: invalid duration \"soon\"") != std::string::npos);
}

// config-linux.md Memory, checkBeforeUpdate: a new limit below the usage is rejected by the runtime (cgroup v2 would
// OOM-kill instead, and the v1 kernel refuses it with its own EBUSY); the limit read back from the kernel stays.
TEST_CASE("update: with checkBeforeUpdate a memory limit below the container's usage is refused naming it, and the limit stays") {
    std::string v2_controllers = read_file("/sys/fs/cgroup/cgroup.controllers");
    OCIRT_SKIP_IF(!fs::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes") && v2_controllers.find("memory") == std::string::npos,
                  "no memory controller (v1 hierarchy or cgroup2)");
    Ocirt ocirt;
    Bundle bundle;
    // 8 MiB in the container's tmpfs /tmp, charged to its memory cgroup.
    bundle.shell("dd if=/dev/zero of=/tmp/fill bs=1048576 count=8 2>/dev/null; sleep 1000");
    bundle.config["linux"]["resources"]["memory"] = {{"limit", 268435456}};
    RunningContainer container(ocirt, bundle, "update-check");
    auto memory = [&] {
        auto events = ocirt({"events", "--stats", container.id()});
        REQUIRE_MESSAGE(events.exit_code == 0, events.err);
        return json::parse(events.out)["data"]["memory"]["usage"];
    };
    REQUIRE(eventually([&] { return memory()["usage"].get<uint64_t>() > 8u * 1048576; }));

    auto refused = ocirt({"update", "--resources", "-", container.id()}, R"({"memory": {"limit": 4194304, "checkBeforeUpdate": true}})");
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find("/memory/limit: 4194304 is below the container's memory usage") != std::string::npos);
    CHECK(refused.err.find("checkBeforeUpdate is set") != std::string::npos);
    CHECK(memory()["limit"] == 268435456);
    CHECK(status_of(ocirt, container.id()) == "running");

    auto raised = ocirt({"update", "--resources", "-", container.id()}, R"({"memory": {"limit": 134217728, "checkBeforeUpdate": true}})");
    CHECK_MESSAGE(raised.exit_code == 0, raised.err);
    CHECK(memory()["limit"] == 134217728);
}
