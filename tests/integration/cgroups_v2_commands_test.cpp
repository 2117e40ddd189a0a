// pause/resume, kill --all, delete --force, events and update on a container whose cgroup is on the cgroup2
// mount, each read back from the kernel's files (cgroup.freeze, cgroup.events, memory.events, cpu.max, ...):
// the cgroup2 counterparts of the "cgroups v1:" cases of cgroups_commands_test.cpp. A case skips where the
// cgroup2 mount does not own what it needs (a hybrid host with v1 hierarchies for it).
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "cgroup_command_helpers.hpp"
#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool frozen_in_events(const std::string& dir) {
    return read_file(dir + "/cgroup.events").find("frozen 1\n") != std::string::npos;
}

// A key's value in a flat-keyed cgroup2 file (cgroup-v2.rst "Flat Keyed": "key value" lines); -1 when absent.
long long flat_keyed_value(const std::string& file, const std::string& key) {
    std::istringstream in(read_file(file));
    std::string k;
    long long v = 0;
    while (in >> k >> v)
        if (k == key) return v;
    return -1;
}

// A created container (not started) with its output in files.
struct CreatedV2 {
    TempDir files{"ocirt-v2-created"};
    std::string id;
    pid_t pid = -1;
    CreatedV2(const Ocirt& ocirt, Bundle& bundle, const std::string& prefix) : id(unique_id(prefix)) {
        bundle.write();
        auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", files.path() + "/pid", id},
                                    files.path() + "/out", files.path() + "/err");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        pid = std::stoi(read_file(files.path() + "/pid"));
    }
    std::string path(const std::string& name) const { return files.path() + "/" + name; }
};

}  // namespace

TEST_CASE("cgroups v2: pause/resume of a created, then running container: cgroup.freeze and cgroup.events, the counter stops") {
    OCIRT_SKIP_IF_LACKING(lacking_v2_freezer());
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell(kCounterLoop);
    CreatedV2 c(ocirt, bundle, "v2pause");
    std::string dir = cgroup2_dir(c.pid);

    auto pause_created = ocirt({"pause", c.id});
    REQUIRE_MESSAGE(pause_created.exit_code == 0, pause_created.err);
    CHECK(cgroup_file(dir + "/cgroup.freeze") == "1");
    CHECK(frozen_in_events(dir));
    CHECK(ocirt({"pause", c.id}).err.find("is paused, not running") != std::string::npos);
    auto resume_created = ocirt({"resume", c.id});
    REQUIRE_MESSAGE(resume_created.exit_code == 0, resume_created.err);
    CHECK(status_of(ocirt, c.id) == "created");
    CHECK(cgroup_file(dir + "/cgroup.freeze") == "0");
    CHECK_FALSE(frozen_in_events(dir));

    REQUIRE(ocirt({"start", c.id}).exit_code == 0);
    REQUIRE(eventually([&] { return counter(c.pid) > 0; }, 10000));
    auto pause = ocirt({"pause", c.id});
    REQUIRE_MESSAGE(pause.exit_code == 0, pause.err);
    CHECK(status_of(ocirt, c.id) == "paused");
    CHECK(cgroup_file(dir + "/cgroup.freeze") == "1");
    CHECK(frozen_in_events(dir));
    long frozen_at = counter(c.pid);
    sleep_ms(300);
    CHECK(counter(c.pid) == frozen_at);
    auto again = ocirt({"pause", c.id});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("is paused, not running") != std::string::npos);

    auto resume = ocirt({"resume", c.id});
    REQUIRE_MESSAGE(resume.exit_code == 0, resume.err);
    CHECK(status_of(ocirt, c.id) == "running");
    CHECK(cgroup_file(dir + "/cgroup.freeze") == "0");
    CHECK_FALSE(frozen_in_events(dir));
    CHECK(eventually([&] { return counter(c.pid) > frozen_at + 3; }, 10000));
    REQUIRE(ocirt({"delete", "--force", c.id}).exit_code == 0);
    CHECK(cgroups_named(c.id).empty());
}

TEST_CASE("cgroups v2: kill --all and delete --force of a container with several processes empty its cgroup (cgroup.kill)") {
    OCIRT_SKIP_IF_LACKING(lacking_v2_freezer());
    Ocirt ocirt;
    {
        Bundle bundle;
        nested_sleepers(bundle, "7411", "7412", "7413");
        RunningContainer container(ocirt, bundle, "v2kill-all");
        std::string dir = cgroup2_dir(container.pid());
        OCIRT_SKIP_IF(!fs::exists(dir + "/cgroup.kill"), "this kernel has no cgroup.kill (Linux 5.14)");
        REQUIRE(eventually([&] { return processes_with("7411") == 1 && processes_with("7412") == 1; }, 10000));
        auto kill = ocirt({"kill", "--all", container.id(), "KILL"});
        REQUIRE_MESSAGE(kill.exit_code == 0, kill.err);
        CHECK(eventually([&] { return processes_with("7411") + processes_with("7412") + processes_with("7413") == 0; }));
        // systemd removes an emptied scope's cgroup itself (the systemd driver's case).
        CHECK(eventually([&] {
            return !fs::exists(dir) || read_file(dir + "/cgroup.events").find("populated 0\n") != std::string::npos;
        }));
        CHECK(eventually([&] { return status_of(ocirt, container.id()) == "stopped"; }));
        REQUIRE(ocirt({"delete", container.id()}).exit_code == 0);
        CHECK(cgroups_named(container.id()).empty());
    }
    {
        Bundle bundle;
        nested_sleepers(bundle, "7421", "7422", "7423");
        RunningContainer container(ocirt, bundle, "v2delete-f");
        REQUIRE(eventually([&] { return processes_with("7421") == 1 && processes_with("7422") == 1; }, 10000));
        auto del = ocirt({"delete", "--force", container.id()});
        REQUIRE_MESSAGE(del.exit_code == 0, del.err);
        CHECK(eventually([&] { return processes_with("7421") + processes_with("7422") + processes_with("7423") == 0; }));
        CHECK(cgroups_named(container.id()).empty());
        CHECK_FALSE(fs::exists(ocirt.state_dir(container.id())));
    }
}

TEST_CASE("cgroups v2: events --stats fills runc's JSON from cpu.stat, memory.current, memory.stat, memory.max and pids") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"cpu", "memory", "pids"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["resources"]["memory"] = {{"limit", 64 << 20}};
    bundle.config["linux"]["resources"]["pids"] = {{"limit", 50}};
    bundle.shell("i=0; while [ $i -lt 2000 ]; do i=$((i+1)); done; sleep 1000 & sleep 1001 & sleep 1002");
    RunningContainer container(ocirt, bundle, "v2events-stats");
    std::string dir = cgroup2_dir(container.pid());
    size_t processes = 0;
    CHECK(eventually(
        [&] {
            auto ps = ocirt({"ps", "--format", "json", container.id()});
            processes = ps.exit_code == 0 ? json::parse(ps.out).size() : 0;
            return processes == 3;
        },
        10000));

    auto events = ocirt({"events", "--stats", container.id()});
    REQUIRE_MESSAGE(events.exit_code == 0, events.err);
    long long usage_usec_after = flat_keyed_value(dir + "/cpu.stat", "usage_usec");
    CHECK(std::count(events.out.begin(), events.out.end(), '\n') == 1);
    json line = json::parse(events.out);
    CHECK(line["type"] == "stats");
    CHECK(line["id"] == container.id());
    const json& data = line["data"];
    // pids.current and pids.max
    CHECK(data["pids"]["current"].get<size_t>() == processes);
    CHECK(cgroup_file(dir + "/pids.current") == std::to_string(processes));
    CHECK(data["pids"]["limit"] == 50);
    // memory.current, memory.max, memory.stat
    CHECK(data["memory"]["usage"]["usage"].get<uint64_t>() > 0);
    CHECK(data["memory"]["usage"]["limit"] == 64 << 20);
    CHECK(data["memory"]["raw"].contains("anon"));
    CHECK(data["memory"]["raw"].contains("file"));
    CHECK(data["memory"].value("cache", uint64_t{0}) == data["memory"]["raw"].value("file", uint64_t{0}));  // 0 is left out
    // cpu.stat's usage_usec, in nanoseconds, no more than the kernel counted a moment later
    uint64_t total = data["cpu"]["usage"]["total"].get<uint64_t>();
    CHECK(total > 0);
    CHECK(total <= static_cast<uint64_t>(usage_usec_after) * 1000);
    CHECK(total % 1000 == 0);
    CHECK(data["cpu"].contains("throttling"));
    CHECK(data["blkio"].is_object());
    CHECK(data["hugetlb"].is_object());
}

TEST_CASE("cgroups v2: events: a kernel OOM kill in the container prints an oom event (memory.events oom_kill)") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"memory"}));
    Ocirt ocirt;
    Bundle bundle;
    // 16 MiB and no swap (memory+swap = memory): dd's 64 MiB buffer is more than the cgroup may hold.
    bundle.config["linux"]["resources"]["memory"] = {{"limit", 16 << 20}, {"swap", 16 << 20}};
    bundle.shell("dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1000");
    CreatedV2 c(ocirt, bundle, "v2events-oom");
    std::string dir = cgroup2_dir(c.pid);
    CHECK(flat_keyed_value(dir + "/memory.events", "oom_kill") == 0);

    pid_t events = spawn_events(ocirt, {"events", "--interval", "10s", c.id}, c.path("events.out"), c.path("events.err"));
    // The first stats line comes after the OOM watch is in place.
    REQUIRE(eventually([&] { return read_file(c.path("events.out")).find("\"stats\"") != std::string::npos; }, 10000));
    REQUIRE(ocirt({"start", c.id}).exit_code == 0);

    std::string oom_line = "{\"type\":\"oom\",\"id\":\"" + c.id + "\"}";
    CHECK(eventually([&] { return read_file(c.path("events.out")).find(oom_line) != std::string::npos; }, 20000));
    CHECK(flat_keyed_value(dir + "/memory.events", "oom_kill") >= 1);
    REQUIRE(ocirt({"kill", c.id, "KILL"}).exit_code == 0);
    CHECK(wait_exit(events) == 0);
    INFO(read_file(c.path("events.err")));
    CHECK(ocirt({"delete", c.id}).exit_code == 0);
    CHECK(cgroups_named(c.id).empty());
}

TEST_CASE("cgroups v2: update: runc's flags write memory.max/low/swap.max, cpu.max, cpu.weight, cpu.max.burst, cpuset, pids.max and the io weight") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"memory", "cpu", "cpuset", "pids", "io"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "v2update-flags");
    std::string dir = cgroup2_dir(container.pid());
    auto file = [&](const std::string& name) { return cgroup_file(dir + "/" + name); };
    std::string weight_file = v2_io_weight_file(dir);
    std::vector<std::string> flags = {"update",       "--memory",      "64m",   "--cpu-quota",  "20000",
                                      "--cpu-period", "100000",        "--cpu-share", "512",    "--cpu-burst",
                                      "5000",         "--cpuset-cpus", "0",     "--pids-limit", "50"};
    if (!weight_file.empty()) flags.insert(flags.end(), {"--blkio-weight", "300"});
    flags.push_back(container.id());
    auto update = ocirt(flags);
    REQUIRE_MESSAGE(update.exit_code == 0, update.err);
    CHECK(file("memory.max") == std::to_string(64 << 20));
    CHECK(file("cpu.max") == "20000 100000");
    CHECK(file("cpu.weight") == "59");
    CHECK(file("cpu.max.burst") == "5000");
    CHECK(file("cpuset.cpus") == "0");
    CHECK(file("pids.max") == "50");
    if (!weight_file.empty())
        CHECK(file(weight_file).rfind(std::string("default ") + (weight_file == "io.bfq.weight" ? "300" : "2930"), 0) == 0);

    // --memory-swap is memory+swap, as runc takes it: 256m over 128m is 128m of swap.
    auto memory = ocirt({"update", "--memory", "128M", "--memory-swap", "256m", "--memory-reservation", "32m",
                         container.id()});
    REQUIRE_MESSAGE(memory.exit_code == 0, memory.err);
    CHECK(file("memory.max") == std::to_string(128 << 20));
    CHECK(file("memory.swap.max") == std::to_string(128 << 20));
    CHECK(file("memory.low") == std::to_string(32 << 20));
    CHECK(file("cpu.max") == "20000 100000");

    // runc: a memory limit of -1 without a swap value lifts both.
    auto unlimited = ocirt({"update", "--memory", "-1", container.id()});
    REQUIRE_MESSAGE(unlimited.exit_code == 0, unlimited.err);
    CHECK(file("memory.max") == "max");
    CHECK(file("memory.swap.max") == "max");

    // Realtime cpu has no cgroup2 file: refused, naming the field, and nothing else changes.
    auto realtime = ocirt({"update", "--cpu-rt-runtime", "1000", "--pids-limit", "60", container.id()});
    CHECK(realtime.exit_code == 1);
    CHECK(realtime.err.find("/linux/resources/cpu/realtimeRuntime") != std::string::npos);
}

TEST_CASE("cgroups v2: update: --resources from stdin writes only the values it has (unified keys too), on a paused container") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"memory", "cpu", "cpuset", "pids"}));
    OCIRT_SKIP_IF_LACKING(lacking_v2_freezer());
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "v2update-json");
    std::string dir = cgroup2_dir(container.pid());
    auto file = [&](const std::string& name) { return cgroup_file(dir + "/" + name); };
    REQUIRE(ocirt({"update", "--cpuset-cpus", "0", "--pids-limit", "40", container.id()}).exit_code == 0);
    REQUIRE(ocirt({"pause", container.id()}).exit_code == 0);

    auto update = ocirt({"update", "--resources", "-", container.id()},
                        R"({"memory": {"limit": 33554432}, "cpu": {"quota": 50000, "period": 100000},
                            "unified": {"memory.high": "25165824"}})");
    REQUIRE_MESSAGE(update.exit_code == 0, update.err);
    CHECK(file("memory.max") == "33554432");
    CHECK(file("memory.high") == "25165824");
    CHECK(file("cpu.max") == "50000 100000");
    CHECK(file("cpuset.cpus") == "0");
    CHECK(file("pids.max") == "40");
    CHECK(status_of(ocirt, container.id()) == "paused");
    CHECK(file("cgroup.freeze") == "1");

    auto events = ocirt({"events", "--stats", container.id()});
    REQUIRE_MESSAGE(events.exit_code == 0, events.err);
    json data = json::parse(events.out)["data"];
    CHECK(data["pids"]["limit"] == 40);
    CHECK(data["memory"]["usage"]["limit"] == 33554432);
    REQUIRE(ocirt({"resume", container.id()}).exit_code == 0);
    CHECK(file("cgroup.freeze") == "0");
}
