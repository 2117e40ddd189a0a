// linux.resources on this host's v1 hierarchies: each value read back from the kernel's files, the limits'
// behaviour seen from inside, and no cgroup left in any hierarchy afterwards.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "block_devices.hpp"
#include "cgroup_paths.hpp"
#include "client_resources.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

std::string trim_space(const std::string& s) {
    auto first = s.find_first_not_of(" \n\t");
    if (first == std::string::npos) return "";
    return s.substr(first, s.find_last_not_of(" \n\t") - first + 1);
}

std::vector<std::string> split(const std::string& text, char sep) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, sep);) out.push_back(part);
    return out;
}

// A created (not started) container whose process sleeps, with `resources` merged into the bundle's.
struct Limited {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files{"ocirt-cgroups-v1"};
    std::string id = unique_id("cgv1");
    pid_t pid = -1;

    explicit Limited(const nlohmann::json& resources, const std::string& script = "sleep 60") {
        bundle.config["linux"]["resources"].update(resources);
        bundle.shell(script);
        bundle.write();
        auto created =
            run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", files.path() + "/pid", id},
                         files.path() + "/out", files.path() + "/err");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        pid = std::stoi(read_file(files.path() + "/pid"));
    }
    std::string file(const std::string& controller, const std::string& name) const {
        return trim_space(read_file(v1_cgroup_dir(pid, controller) + "/" + name));
    }
    std::string out() const { return read_file(files.path() + "/out"); }
    // delete -f, then no directory named after the container may remain in any hierarchy.
    void remove() {
        auto deleted = ocirt({"delete", "--force", id});
        CHECK_MESSAGE(deleted.exit_code == 0, deleted.err);
        CHECK(cgroups_named(id).empty());
    }
};

// `run` of a script under `resources`; the cgroup must be gone afterwards.
Result run_limited(const nlohmann::json& resources, const std::string& script) {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["resources"].update(resources);
    bundle.shell(script);
    bundle.write();
    std::string id = unique_id("cgv1run");
    auto result = ocirt({"run", "--bundle", bundle.path(), id});
    CHECK(cgroups_named(id).empty());
    return result;
}

// A create that must fail: exit 1, the error on stderr, nothing left behind.
std::string failed_create(const nlohmann::json& resources) {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["resources"].update(resources);
    bundle.write();
    std::string id = unique_id("cgv1bad");
    auto r = ocirt({"create", "--bundle", bundle.path(), id});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
    return r.err;
}

long long usage_ns(const std::string& cpuacct_dir) {
    return std::stoll(trim_space(read_file(cpuacct_dir + "/cpuacct.usage")));
}

}  // namespace

TEST_CASE(
    "cgroups v1: memory limit, swap, reservation, kernelTCP, swappiness and oom_control read back from the kernel") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory"}));
    Limited c(nlohmann::json{{"memory",
                              {{"limit", 67108864},
                               {"swap", 134217728},
                               {"reservation", 33554432},
                               {"kernel", 8388608},
                               {"kernelTCP", 16777216},
                               {"swappiness", 10},
                               {"disableOOMKiller", true},
                               {"useHierarchy", true},
                               {"checkBeforeUpdate", true}}}});
    CHECK(c.file("memory", "memory.limit_in_bytes") == "67108864");
    CHECK(c.file("memory", "memory.memsw.limit_in_bytes") == "134217728");
    CHECK(c.file("memory", "memory.soft_limit_in_bytes") == "33554432");
    CHECK(c.file("memory", "memory.kmem.tcp.limit_in_bytes") == "16777216");
    CHECK(c.file("memory", "memory.swappiness") == "10");
    CHECK(c.file("memory", "memory.oom_control").find("oom_kill_disable 1") != std::string::npos);
    CHECK(c.file("memory", "memory.use_hierarchy") == "1");
    c.remove();
}

TEST_CASE("cgroups v1: an unlimited memory limit lifts memory+swap too") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory"}));
    Limited c(nlohmann::json{{"memory", {{"limit", -1}}}});
    CHECK(c.file("memory", "memory.limit_in_bytes") == "9223372036854771712");
    CHECK(c.file("memory", "memory.memsw.limit_in_bytes") == "9223372036854771712");
    c.remove();
}

TEST_CASE("cgroups v1: cpu shares, quota, period, burst and realtime read back from the kernel") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu"}));
    Limited c(nlohmann::json{{"cpu",
                              {{"shares", 512},
                               {"quota", 50000},
                               {"period", 100000},
                               {"burst", 10000},
                               {"realtimeRuntime", 1000},
                               {"realtimePeriod", 1000000}}}});
    CHECK(c.file("cpu", "cpu.shares") == "512");
    CHECK(c.file("cpu", "cpu.cfs_quota_us") == "50000");
    CHECK(c.file("cpu", "cpu.cfs_period_us") == "100000");
    CHECK(c.file("cpu", "cpu.cfs_burst_us") == "10000");
    CHECK(c.file("cpu", "cpu.rt_runtime_us") == "1000");
    CHECK(c.file("cpu", "cpu.rt_period_us") == "1000000");
    c.remove();
}

TEST_CASE("cgroups v1: cpu.idle and cpuset cpus/mems read back from the kernel") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu", "cpuset"}));
    Limited c(nlohmann::json{{"cpu", {{"idle", 1}, {"cpus", "0"}, {"mems", "0"}}}});
    CHECK(c.file("cpu", "cpu.idle") == "1");
    CHECK(c.file("cpuset", "cpuset.cpus") == "0");
    CHECK(c.file("cpuset", "cpuset.mems") == "0");
    CHECK(trim_space(read_file("/proc/" + std::to_string(c.pid) + "/status")).find("Cpus_allowed_list:\t0\n") !=
          std::string::npos);
    c.remove();
}

TEST_CASE("cgroups v1: pids.max from pids.limit: a number, -1 as max, 0 as 0, no limit (1.3) left as it is") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"pids"}));
    using Pids = nlohmann::json;
    for (auto [pids, expected] : std::vector<std::pair<Pids, std::string>>{
             {{{"limit", 20}}, "20"}, {{{"limit", -1}}, "max"}, {{{"limit", 0}}, "0"}, {Pids::object(), "max"}}) {
        CAPTURE(pids.dump());
        Limited c(nlohmann::json{{"pids", pids}});
        CHECK(c.file("pids", "pids.max") == expected);
        c.remove();
    }
}

TEST_CASE("cgroups v1: blkio weight, weight_device and the four throttles read back from the kernel") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"blkio"}));
    std::string disk = disk_device();
    REQUIRE_FALSE(disk.empty());
    auto throttle = [&](long long rate) {
        return nlohmann::json::array({{{"major", major_of(disk)}, {"minor", minor_of(disk)}, {"rate", rate}}});
    };
    nlohmann::json block_io = {{"throttleReadBpsDevice", throttle(1048576)},
                               {"throttleWriteBpsDevice", throttle(2097152)},
                               {"throttleReadIOPSDevice", throttle(100)},
                               {"throttleWriteIOPSDevice", throttle(200)}};
    // Weights need CFQ or BFQ; a kernel built without both has no weight file (the refusal is checked below).
    std::string weight_file = v1_blkio_weight_file();
    std::optional<LoopDevice> loop;
    std::optional<SchedulerSwitch> bfq;
    if (!weight_file.empty()) {
        loop.emplace();
        bfq.emplace(loop->name(), "bfq");  // blkio.bfq.weight_device takes only devices that BFQ schedules
        block_io["weight"] = 300;
        block_io["weightDevice"] = {
            {{"major", major_of(loop->device())}, {"minor", minor_of(loop->device())}, {"weight", 700}}};
    }
    Limited c(nlohmann::json{{"blockIO", block_io}});
    if (!weight_file.empty()) {
        CHECK(c.file("blkio", weight_file) == "300");
        CHECK(c.file("blkio", weight_file + "_device").find(loop->device() + " 700") != std::string::npos);
    }
    CHECK(c.file("blkio", "blkio.throttle.read_bps_device") == disk + " 1048576");
    CHECK(c.file("blkio", "blkio.throttle.write_bps_device") == disk + " 2097152");
    CHECK(c.file("blkio", "blkio.throttle.read_iops_device") == disk + " 100");
    CHECK(c.file("blkio", "blkio.throttle.write_iops_device") == disk + " 200");
    c.remove();
}

TEST_CASE("cgroups v1: devices.list holds the config's rules and then runc's default allowed devices") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"devices"}));
    Limited c(nlohmann::json{{"devices",
                              {{{"allow", false}, {"access", "rwm"}},
                               {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rw"}},
                               {{"allow", true}, {"type", "b"}, {"major", 8}, {"minor", -1}, {"access", "r"}}}}});
    auto listed = split(c.file("devices", "devices.list"), '\n');
    std::sort(listed.begin(), listed.end());
    std::vector<std::string> expected = {"c 10:229 rw", "b 8:* r",   "c *:* m",     "b *:* m",   "c 1:3 rwm",
                                         "c 1:8 rwm",   "c 1:7 rwm", "c 5:0 rwm",   "c 1:5 rwm", "c 1:9 rwm",
                                         "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm"};
    std::sort(expected.begin(), expected.end());
    CHECK(listed == expected);
    c.remove();
}

TEST_CASE("cgroups v1: a denied device cannot be opened inside while the default devices work") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"devices"}));
    const std::string script =
        "(exec 3</dev/fuse) && echo fuse-opened; cat /dev/null && echo null-ok; head -c 3 /dev/zero | wc -c; "
        "head -c 3 /dev/urandom | wc -c";
    nlohmann::json fuse = {{"path", "/dev/fuse"}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"fileMode", 438}};
    auto with_fuse = [&](const nlohmann::json& rules) {
        Ocirt ocirt;
        Bundle bundle;
        bundle.config["linux"]["devices"] = nlohmann::json::array({fuse});
        bundle.config["linux"]["resources"]["devices"] = rules;
        bundle.shell(script);
        bundle.write();
        std::string id = unique_id("cgv1dev");
        auto result = ocirt({"run", "--bundle", bundle.path(), id});
        CHECK(cgroups_named(id).empty());
        return result;
    };
    SUBCASE("denied by the config's deny-all: EPERM, while null, zero and urandom stay usable") {
        auto r = with_fuse(nlohmann::json::array({{{"allow", false}, {"access", "rwm"}}}));
        CHECK(r.out.find("fuse-opened") == std::string::npos);
        CHECK(r.err.find("/dev/fuse: Operation not permitted") != std::string::npos);
        CHECK(r.out.find("null-ok\n3\n3\n") != std::string::npos);
    }
    SUBCASE("allowed by a rule after the deny-all: it opens") {
        auto r = with_fuse(
            nlohmann::json::array({{{"allow", false}, {"access", "rwm"}},
                                   {{"allow", true}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rw"}}}));
        CHECK(r.out.find("fuse-opened\nnull-ok\n3\n3\n") != std::string::npos);
    }
    SUBCASE("allowed for all, then denied by a later rule: EPERM again") {
        auto r = with_fuse(nlohmann::json::array(
            {{{"allow", true}, {"access", "rwm"}},
             {{"allow", false}, {"type", "c"}, {"major", 10}, {"minor", 229}, {"access", "rwm"}}}));
        CHECK(r.out.find("fuse-opened") == std::string::npos);
        CHECK(r.err.find("Operation not permitted") != std::string::npos);
        CHECK(r.out.find("null-ok") != std::string::npos);
    }
    SUBCASE("as with runc, a deny of a default device is overridden by the defaults that follow") {
        auto r = with_fuse(
            nlohmann::json::array({{{"allow", false}, {"access", "rwm"}},
                                   {{"allow", false}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rwm"}}}));
        CHECK(r.out.find("null-ok") != std::string::npos);
    }
}

TEST_CASE("cgroups v1: a container over its memory limit is OOM-killed and the kernel counts it") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory"}));
    const std::string hog = "x=$(head -c 268435456 /dev/zero | tr '\\0' a); echo survived";
    nlohmann::json memory = {{"memory", {{"limit", 33554432}, {"swap", 33554432}}}};
    SUBCASE("run exits 137") {
        auto r = run_limited(memory, hog);
        CHECK(r.exit_code == 137);
        CHECK(r.out.find("survived") == std::string::npos);
    }
    SUBCASE("memory.oom_control counts the kill") {
        Limited c(memory, hog);
        std::string dir = v1_cgroup_dir(c.pid, "memory");
        REQUIRE(c.ocirt({"start", c.id}).exit_code == 0);
        // memory.oom_control's "oom_kill N": the OOM killer may take more than one of the pipeline's processes.
        auto kills = [&] {
            std::string control = read_file(dir + "/memory.oom_control");
            size_t at = control.find("oom_kill ");
            return at == std::string::npos ? -1 : std::atoi(control.c_str() + at + 9);
        };
        CHECK(eventually([&] { return kills() > 0; }, 20000));
        INFO(read_file(dir + "/memory.oom_control"));
        CHECK(kills() >= 1);
        CHECK(c.out().find("survived") == std::string::npos);
        c.remove();
    }
}

TEST_CASE("cgroups v1: a pids limit stops a fork bomb at the limit") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"pids"}));
    // The bomb runs in a subshell, which dies when a fork fails; the one slot that frees is taken again,
    // then the count uses builtins only: at the limit nothing more can fork.
    auto r = run_limited({{"pids", {{"limit", 10}}}},
                         "(i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null; "
                         "sleep 30 & set -- /proc/[0-9]*; echo processes=$#");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "processes=10\n");
}

TEST_CASE("cgroups v1: a cpu quota of 20% holds a busy loop near 20% (cpuacct.usage over a second)") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu", "cpuacct"}));
    Limited c(nlohmann::json{{"cpu", {{"quota", 20000}, {"period", 100000}}}}, "while :; do :; done");
    std::string cpuacct = v1_cgroup_dir(c.pid, "cpuacct");
    REQUIRE(c.ocirt({"start", c.id}).exit_code == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    long long before = usage_ns(cpuacct);
    auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    long long after = usage_ns(cpuacct);
    double wall = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    double share = static_cast<double>(after - before) / wall;
    CAPTURE(share);
    CHECK(share > 0.05);
    CHECK(share < 0.45);
    c.remove();
}

// A value the kernel refuses fails create with the field, the file and the reason, leaving nothing: one case
// per value, each skipped on its own where this host lacks what it needs.
TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: cpuset.cpus 99999") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpuset"}));
    auto err = failed_create({{"cpu", {{"cpus", "99999"}}}});
    CHECK(err.find("/linux/resources/cpu/cpus") != std::string::npos);
    CHECK(err.find("cpuset.cpus") != std::string::npos);
    CHECK((err.find("Numerical result out of range") != std::string::npos ||  // beyond nr_cpu_ids
           err.find("Invalid argument") != std::string::npos));
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: useHierarchy false (always hierarchical)") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory"}));
    auto err = failed_create({{"memory", {{"useHierarchy", false}}}});
    CHECK(err.find("/linux/resources/memory/useHierarchy") != std::string::npos);
    CHECK(err.find("memory.use_hierarchy") != std::string::npos);
    CHECK(err.find("Invalid argument") != std::string::npos);
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: swap below the memory limit") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"memory"}));
    auto err = failed_create({{"memory", {{"limit", 67108864}, {"swap", 33554432}}}});
    CHECK(err.find("/linux/resources/memory/swap") != std::string::npos);
    CHECK(err.find("memory.memsw.limit_in_bytes") != std::string::npos);
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: realtime runtime over its period") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu"}));
    auto err = failed_create({{"cpu", {{"realtimeRuntime", 2000000}, {"realtimePeriod", 1000000}}}});
    CHECK(err.find("/linux/resources/cpu/realtimeRuntime") != std::string::npos);
    CHECK(err.find("cpu.rt_runtime_us") != std::string::npos);
    CHECK(err.find("Invalid argument") != std::string::npos);
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: cpu shares beyond the kernel's range") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu"}));
    auto err = failed_create({{"cpu", {{"shares", 1000000}}}});
    CHECK(err.find("/linux/resources/cpu/shares: the kernel set") != std::string::npos);
    CHECK(err.find("262144 instead of 1000000") != std::string::npos);
    // Named once, not once per layer that knew the field.
    CHECK(err.find("/linux/resources/cpu/shares") == err.rfind("/linux/resources/cpu/shares"));
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: blkio leafWeight without CFQ") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"blkio"}));
    OCIRT_SKIP_IF(fs::exists(v1_mount("blkio") + "/blkio.leaf_weight"), "this kernel has CFQ's blkio.leaf_weight");
    auto err = failed_create({{"blockIO", {{"leafWeight", 100}}}});
    CHECK(err.find("/linux/resources/blockIO/leafWeight") != std::string::npos);
    CHECK(err.find("blkio.leaf_weight") != std::string::npos);
    CHECK(err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: blkio weight without CFQ or BFQ") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"blkio"}));
    OCIRT_SKIP_IF(!v1_blkio_weight_file().empty(), "this kernel has a blkio weight file (" + v1_blkio_weight_file() + ")");
    auto err = failed_create({{"blockIO", {{"weight", 300}}}});
    CHECK(err.find("/linux/resources/blockIO/weight") != std::string::npos);
    CHECK(err.find("blkio.bfq.weight") != std::string::npos);
    CHECK(err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("cgroups v1: the kernel refuses, create names field, file and reason: BFQ weight of a disk not on BFQ") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"blkio"}));
    OCIRT_SKIP_IF(v1_blkio_weight_file() != "blkio.bfq.weight", "this kernel has no BFQ (no blkio.bfq.weight)");
    std::string disk = disk_device();
    OCIRT_SKIP_IF(disk.empty(), "no disk on this host besides loop, ram and zram devices");
    OCIRT_SKIP_IF(read_file("/sys/dev/block/" + disk + "/queue/scheduler").find("[bfq]") != std::string::npos,
                  "this host's disk " + disk + " already uses BFQ");
    auto err = failed_create(
        {{"blockIO", {{"weightDevice", {{{"major", major_of(disk)}, {"minor", minor_of(disk)}, {"weight", 500}}}}}}});
    CHECK(err.find("/linux/resources/blockIO/weightDevice/0/weight") != std::string::npos);
    CHECK(err.find("weight_device") != std::string::npos);
    CHECK(err.find("Operation not supported") != std::string::npos);
}


TEST_CASE("cgroups v1: the zeros Docker sends for unset limits write nothing, at create and at update, as with runc") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu", "cpuset", "memory", "blkio"}));
    Limited c(kDockerRunResources);
    // Nothing was written: each file keeps what a new cgroup starts with.
    CHECK(c.file("cpu", "cpu.shares") == "1024");
    CHECK(c.file("cpu", "cpu.cfs_quota_us") == "-1");
    CHECK(c.file("memory", "memory.oom_control").find("oom_kill_disable 0") != std::string::npos);
    std::string weight_file = v1_blkio_weight_file();
    std::string cgroup_weight;
    if (!weight_file.empty()) {
        cgroup_weight = c.file("blkio", weight_file);
        std::string parent = fs::path(v1_cgroup_dir(c.pid, "blkio")).parent_path().string();
        CHECK(cgroup_weight == trim_space(read_file(parent + "/" + weight_file)));
    }

    auto updated = c.ocirt({"update", "--resources", "-", c.id}, kDockerUpdateResources.dump());
    CHECK_MESSAGE(updated.exit_code == 0, updated.err);
    CHECK(c.file("cpu", "cpu.shares") == "512");
    CHECK(c.file("cpu", "cpu.cfs_quota_us") == "-1");
    CHECK(c.file("cpu", "cpu.cfs_period_us") == "100000");
    CHECK(c.file("memory", "memory.limit_in_bytes") == "9223372036854771712");
    CHECK(c.file("memory", "memory.soft_limit_in_bytes") == "9223372036854771712");
    std::string parent_cpus = trim_space(read_file(fs::path(v1_cgroup_dir(c.pid, "cpuset")).parent_path().string() + "/cpuset.cpus"));
    CHECK(c.file("cpuset", "cpuset.cpus") == parent_cpus);
    if (!weight_file.empty()) CHECK(c.file("blkio", weight_file) == cgroup_weight);

    // runc's update flags take 0 the same way.
    auto flags = c.ocirt({"update", "--cpu-share", "0", "--memory", "0", "--cpu-quota", "30000", c.id});
    CHECK_MESSAGE(flags.exit_code == 0, flags.err);
    CHECK(c.file("cpu", "cpu.shares") == "512");
    CHECK(c.file("cpu", "cpu.cfs_quota_us") == "30000");
    c.remove();
}

TEST_CASE("cgroups v1: without a cgroup namespace the cgroup mount shows the container's own cgroup, as runc binds it") {
    OCIRT_SKIP_IF_LACKING(lacking_v1({"cpu", "pids", "memory"}));
    Ocirt ocirt;
    Bundle bundle;
    drop_namespace(bundle, "cgroup");
    bundle.config["linux"]["resources"].update(
        nlohmann::json{{"cpu", {{"quota", 20000}, {"period", 100000}}}, {"pids", {{"limit", 50}}},
                       {"memory", {{"limit", 67108864}}}});
    TempDir files("ocirt-cgroup-mount");
    bundle.shell("cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/pids/pids.max "
                 "/sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup/pids | grep -c '^' ; "
                 "grep ' /sys/fs/cgroup/pids ' /proc/self/mountinfo | cut -d' ' -f4; sleep 60");
    bundle.write();
    std::string id = unique_id("cgmount");
    auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", files.path() + "/pid", id},
                                files.path() + "/out", files.path() + "/err");
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    pid_t pid = std::stoi(read_file(files.path() + "/pid"));
    REQUIRE(ocirt({"start", id}).exit_code == 0);
    std::vector<std::string> lines;
    REQUIRE(eventually([&] {
        lines = split(read_file(files.path() + "/out"), '\n');
        return lines.size() >= 5;
    }));
    CHECK(lines[0] == "20000");
    CHECK(lines[1] == "50");
    CHECK(lines[2] == "67108864");
    // The pids directory of a leaf cgroup holds only the kernel's files, no other cgroup.
    std::size_t own_entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(v1_cgroup_dir(pid, "pids"))) ++own_entries;
    CHECK(lines[3] == std::to_string(own_entries));
    // mountinfo's root field: the container's cgroup path, as the host's /proc/PID/cgroup shows it.
    std::string host_path = v1_cgroup_dir(pid, "pids").substr(v1_mount("pids").size());
    CHECK(lines[4] == host_path);
    CHECK(host_path != "/");
    CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
    CHECK(cgroups_named(id).empty());
}
