// config-linux.md "Control groups": cgroupsPath and the resources, read from the host through the created
// container's pid (/proc/PID/cgroup) and its cgroup files: a v1 controller's own hierarchy where the host has
// one, else the cgroup2 hierarchy (/sys/fs/cgroup on a cgroup v2 host, /sys/fs/cgroup/unified on a hybrid one).
// The spec words the resources in v1 terms; on cgroup2 a case reads the file that runc's and crun's conversion
// writes (shares → cpu.weight, quota/period → cpu.max, burst → cpu.max.burst, limit → memory.max, reservation →
// memory.low, swap → memory.swap.max as swap − limit, throttles → io.max, weights → io.bfq.weight). A v1 knob
// cgroup2 has no file for (realtime, swappiness, disableOOMKiller) must then be refused: "If the conversion is
// not possible the runtime MUST generate an error" (config-linux.md "Unified").
// Skipped (the host cannot): a blkio weight without a block device on BFQ (the only weight files since CFQ
// left the kernel in 5.0), network (no net_cls/net_prio hierarchy), rdma (no controller), cpu idle (a cgroup2
// file), intelRdt (no RDT hardware). Skipped (not observable at create): the MAY "fit for purpose" check and
// memory.checkBeforeUpdate (update). memory kernel/kernelTCP: NOT RECOMMENDED and gone from 6.x kernels.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <filesystem>

#include "conformance.hpp"
#include "linux_support.hpp"
#include "../support/skip.hpp"

using namespace ocirt::conformance;
namespace fs = std::filesystem;

namespace {

const char* const kV1Controllers[] = {"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "memory", "pids"};

// Sets cgroupsPath and (unless null) linux.resources.
void limit(SpecBundle& bundle, const std::string& cgroups_path, const nlohmann::json& resources) {
    bundle.config["linux"]["cgroupsPath"] = cgroups_path;
    if (!resources.is_null()) bundle.config["linux"]["resources"] = resources;
}

}  // namespace

TEST_CASE("config-linux.md#cgroups-path: an absolute cgroupsPath is the cgroup under each hierarchy's mount point [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    const std::string& path = unique.path;
    SpecBundle bundle;
    limit(bundle, path, nullptr);
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroups = cgroups_of(container.pid);
    if (cgroup_v2_host()) {
        // One hierarchy, mounted at /sys/fs/cgroup: the "0::PATH" line of /proc/PID/cgroup (with the systemd
        // driver the path was written in its "slice:prefix:name" form, and names a scope).
        CHECK(cgroups[""] == ocirt::test::expected_cgroup(path));
        CHECK(fs::is_directory(cgroup_directory("pids", path)));
        return;
    }
    for (const std::string controller : kV1Controllers) {
        CAPTURE(controller);
        CHECK(cgroups[controller] == path);
        CHECK(fs::is_directory("/sys/fs/cgroup/" + controller + path));
    }
}

TEST_CASE("config-linux.md#cgroups-path: the same relative cgroupsPath attaches to the same place again [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    std::string relative = unique.path.substr(1);
    std::string places[2];
    for (auto& place : places) {
        SpecBundle bundle;
        limit(bundle, relative, nullptr);
        CreatedContainer container(runtime, bundle);
        INFO(container.result.err);
        REQUIRE(container.pid > 0);
        place = controller_cgroup(container.pid, "memory").cgroup;
        CHECK(runtime({"delete", "--force", container.id}).exit_code == 0);
    }
    CHECK(places[0] == places[1]);
    CHECK(places[0].find(relative) != std::string::npos);
}

TEST_CASE("config-linux.md#cgroups-path: the resources apply in the cgroup a relative cgroupsPath names [MUST]") {
    // Where the runtime puts a relative path is its choice; a cgroup v2 runtime that picks its caller's own
    // cgroup (one with processes: a systemd service or session scope) can enable no controller below it.
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path.substr(1), {{"pids", {{"limit", 17}}}, {"memory", {{"limit", 64 << 20}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto pids = controller_cgroup(container.pid, "pids");
    CAPTURE(pids.directory);
    CHECK(pids.cgroup.find(ocirt::test::expected_cgroup(unique.path)) != std::string::npos);
    CHECK(pids.value("pids.max") == "17");
    auto memory = controller_cgroup(container.pid, "memory");
    CAPTURE(memory.directory);
    CHECK(memory.value(memory.v2 ? "memory.max" : "memory.limit_in_bytes") == std::to_string(64 << 20));
}

TEST_CASE("config-linux.md#memory: limit, reservation, swap, swappiness and disableOOMKiller are the memory cgroup's [MUST]") {
    const bool v2 = hierarchy_of("memory").v2;
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    nlohmann::json memory = {{"limit", 64 << 20}, {"reservation", 32 << 20}, {"swap", 96 << 20}};
    if (!v2) {
        memory["swappiness"] = 17;
        memory["disableOOMKiller"] = true;
    }
    limit(bundle, unique.path, {{"memory", memory}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "memory");
    CAPTURE(cgroup.directory);
    if (!v2) {
        CHECK(cgroup.value("memory.limit_in_bytes") == std::to_string(64 << 20));
        CHECK(cgroup.value("memory.soft_limit_in_bytes") == std::to_string(32 << 20));
        CHECK(cgroup.value("memory.memsw.limit_in_bytes") == std::to_string(96 << 20));
        CHECK(cgroup.value("memory.swappiness") == "17");
        CHECK(lines_with(cgroup.value("memory.oom_control"), "oom_kill_disable 1").size() == 1);
        return;
    }
    // The spec's swap is memory+swap; memory.swap.max is swap alone (swap accounting is on by default since 5.8).
    CHECK(cgroup.value("memory.max") == std::to_string(64 << 20));
    CHECK(cgroup.value("memory.low") == std::to_string(32 << 20));
    CHECK(cgroup.value("memory.swap.max") == std::to_string(32 << 20));
    // cgroup v2 has neither memory.swappiness nor oom_control: each must be refused, naming the field.
    for (const auto& [field, value] : {std::pair<const char*, nlohmann::json>{"swappiness", 17}, {"disableOOMKiller", true}}) {
        CAPTURE(field);
        UniqueCgroupsPath other;
        SpecBundle refused_bundle;
        limit(refused_bundle, other.path, {{"memory", {{"limit", 64 << 20}, {field, value}}}});
        CreatedContainer refused(runtime, refused_bundle);
        CHECK_REFUSED(refused.result);
        CHECK(refused.result.err.find(field) != std::string::npos);
    }
}

TEST_CASE("config-linux.md#cpu: shares, quota and period are the cpu cgroup's [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"shares", 512}, {"quota", 20000}, {"period", 50000}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "cpu");
    CAPTURE(cgroup.directory);
    if (!cgroup.v2) {
        CHECK(cgroup.value("cpu.shares") == "512");
        CHECK(cgroup.value("cpu.cfs_quota_us") == "20000");
        CHECK(cgroup.value("cpu.cfs_period_us") == "50000");
        return;
    }
    // shares [2, 262144] → cpu.weight [1, 10000]: runc before 1.3.2 and crun before 1.23 map linearly (512 → 20),
    // later ones along a quadratic in log2(shares) that keeps the default 1024 at the default weight 100 (512 → 59).
    CHECK_MESSAGE((cgroup.value("cpu.weight") == "20" || cgroup.value("cpu.weight") == "59"), "cpu.weight " << cgroup.value("cpu.weight"));
    CHECK(cgroup.value("cpu.max") == "20000 50000");
}

TEST_CASE("config-linux.md#cpu: cpus and mems are the cpuset the process runs on [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"cpus", "1"}, {"mems", "0"}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "cpuset");  // the same file names on cgroup2
    CAPTURE(cgroup.directory);
    CHECK(cgroup.value("cpuset.cpus") == "1");
    CHECK(cgroup.value("cpuset.mems") == "0");
    auto status = ocirt::test::read_file("/proc/" + std::to_string(container.pid) + "/status");
    CHECK(lines_with(status, "Cpus_allowed_list:") == std::vector<std::string>{"Cpus_allowed_list:\t1"});
}

TEST_CASE("config-linux.md#pids: limit is the pids cgroup's maximum [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"pids", {{"limit", 17}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    CHECK(controller_cgroup(container.pid, "pids").value("pids.max") == "17");  // pids.max on v1 and v2
}

TEST_CASE("config-linux.md#pids: a limit of 0 is the limit 0, not unlimited [SHOULD]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"pids", {{"limit", 0}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    CHECK(controller_cgroup(container.pid, "pids").value("pids.max") == "0");
}

TEST_CASE("config-linux.md#pids: a limit of -1 is no limit (max) [MUST]") {
    // runtime-spec 1.3: "with -1 indicating no limit (max)".
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.3.0";
    limit(bundle, unique.path, {{"pids", {{"limit", -1}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    CHECK(controller_cgroup(container.pid, "pids").value("pids.max") == "max");
}

TEST_CASE("config-linux.md#pids: limit is optional; without it pids.max is left as the kernel made it [MUST]") {
    // runtime-spec 1.3 made limit OPTIONAL: a config with "pids": {} is valid, and nothing asks for a limit.
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.3.0";
    limit(bundle, unique.path, {{"pids", nlohmann::json::object()}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    // Through systemd the scope that asked for no TasksMax gets the manager's DefaultTasksMax
    // (systemd-system.conf(5)), which systemd writes, not the runtime.
    std::string unset = "max";
    if (ocirt::test::systemd_cgroup_driver()) {
        std::string tasks_max = ocirt::test::run_program({"/usr/bin/systemctl", "show", "--property=DefaultTasksMax", "--value"}).out;
        while (!tasks_max.empty() && tasks_max.back() == '\n') tasks_max.pop_back();
        if (tasks_max != "infinity") unset = tasks_max;
    }
    CHECK(controller_cgroup(container.pid, "pids").value("pids.max") == unset);
}

TEST_CASE("config-linux.md#cpu: burst is the cpu cgroup's CFS burst [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"quota", 20000}, {"period", 50000}, {"burst", 10000}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "cpu");
    CAPTURE(cgroup.directory);
    CHECK(cgroup.value(cgroup.v2 ? "cpu.max.burst" : "cpu.cfs_burst_us") == "10000");
}

TEST_CASE("config-linux.md#cpu: realtimeRuntime and realtimePeriod are the cpu cgroup's RT budget [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"realtimeRuntime", 1000}, {"realtimePeriod", 500000}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    if (hierarchy_of("cpu").v2) {
        // cgroup2's cpu controller has no RT budget (cgroup-v2.rst "CPU": realtime processes are not controlled),
        // so the conversion is not possible and the runtime MUST generate an error (config-linux.md "Unified").
        CHECK_REFUSED(container.result);
        CHECK(container.result.err.find("realtime") != std::string::npos);
        return;
    }
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "cpu");
    CHECK(cgroup.value("cpu.rt_runtime_us") == "1000");
    CHECK(cgroup.value("cpu.rt_period_us") == "500000");
}

TEST_CASE("config-linux.md#block-io: the throttle device rates are the blkio cgroup's [MUST]") {
    BlockDevice device = block_device();
    OCIRT_SKIP_IF(device.rdev == 0, "no block device in /sys/block to throttle");
    CAPTURE(device.name);
    nlohmann::json numbers = {{"major", major(device.rdev)}, {"minor", minor(device.rdev)}};
    auto rate = [&](int value) { auto entry = numbers; entry["rate"] = value; return nlohmann::json::array({entry}); };
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"blockIO",
                                 {{"throttleReadBpsDevice", rate(1048576)},
                                  {"throttleWriteBpsDevice", rate(524288)},
                                  {"throttleReadIOPSDevice", rate(300)},
                                  {"throttleWriteIOPSDevice", rate(200)}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "blkio");
    CAPTURE(cgroup.directory);
    const std::string dev = device.numbers();
    if (cgroup.v2) {
        // io.max: one line per device with the four keys (cgroup-v2.rst "IO Interface Files").
        CHECK(lines_with(cgroup.value("io.max"), dev + " ") ==
              std::vector<std::string>{dev + " rbps=1048576 wbps=524288 riops=300 wiops=200"});
        return;
    }
    CHECK(cgroup.value("blkio.throttle.read_bps_device") == dev + " 1048576");
    CHECK(cgroup.value("blkio.throttle.write_bps_device") == dev + " 524288");
    CHECK(cgroup.value("blkio.throttle.read_iops_device") == dev + " 300");
    CHECK(cgroup.value("blkio.throttle.write_iops_device") == dev + " 200");
}

TEST_CASE("config-linux.md#block-io: weight and weightDevice are the blkio cgroup's weights [MUST]") {
    // Since CFQ left the kernel (5.0) only BFQ takes blkio weights: blkio.bfq.weight(_device) on v1,
    // io.bfq.weight on cgroup2, whose per-device lines need a device that BFQ schedules.
    BlockDevice device = block_device("bfq");
    OCIRT_SKIP_IF(device.rdev == 0, "no block device here uses the BFQ I/O scheduler, the only one with weights");
    CAPTURE(device.name);
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"blockIO",
                                 {{"weight", 300},
                                  {"weightDevice", {{{"major", major(device.rdev)}, {"minor", minor(device.rdev)}, {"weight", 700}}}}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroup = controller_cgroup(container.pid, "blkio");
    CAPTURE(cgroup.directory);
    const std::string device_line = device.numbers() + " 700";
    if (cgroup.v2) {
        // "default 300" then a "MAJ:MIN WEIGHT" line per device (Documentation/block/bfq-iosched.rst 4-2).
        std::string weights = cgroup.value("io.bfq.weight");
        CAPTURE(weights);
        CHECK(lines_with(weights, "default") == std::vector<std::string>{"default 300"});
        CHECK(lines_with(weights, device.numbers() + " ") == std::vector<std::string>{device_line});
        return;
    }
    CHECK(cgroup.value("blkio.bfq.weight") == "300");
    CHECK(lines_with(cgroup.value("blkio.bfq.weight_device"), device.numbers() + " ") == std::vector<std::string>{device_line});
}

TEST_CASE("config-linux.md#allowed-device-list: the entries apply in the listed order [MUST]") {
    // A block device node in the rootfs that no default rule covers: a host block device's numbers at /conformance-block.
    BlockDevice device = block_device();
    OCIRT_SKIP_IF(device.rdev == 0, "no block device in /sys/block to make a node of");
    CAPTURE(device.name);
    nlohmann::json deny_all = {{"allow", false}, {"access", "rwm"}};
    nlohmann::json allow = {{"allow", true}, {"type", "b"}, {"major", major(device.rdev)}, {"minor", minor(device.rdev)}, {"access", "r"}};
    nlohmann::json deny = allow;
    deny["allow"] = false;
    const std::pair<nlohmann::json, const char*> cases[] = {{{deny_all, allow, deny}, "denied"}, {{deny_all, deny, allow}, "opened"}};
    for (const auto& [rules, expected] : cases) {
        CAPTURE(rules.dump());
        Runtime runtime;
        SpecBundle bundle;
        REQUIRE(::mknod((bundle.path() + "/rootfs/conformance-block").c_str(), S_IFBLK | 0600, device.rdev) == 0);
        bundle.config["linux"]["resources"]["devices"] = rules;
        auto r = run_container(runtime, bundle, "if (exec 3</conformance-block) 2>/dev/null; then echo opened; else echo denied; fi");
        INFO(r.err);
        CHECK(r.out == std::string(expected) + "\n");
    }
}

TEST_CASE("config-linux.md#huge-page-limits: a hugepage limit is the hugetlb cgroup's [MUST]") {
    OCIRT_SKIP_IF(hierarchy_of("hugetlb").mount_point.empty(), "no cgroup hierarchy here has the hugetlb controller");
    OCIRT_SKIP_IF(!fs::exists("/sys/kernel/mm/hugepages/hugepages-2048kB"), "this kernel has no 2MB huge pages");
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 4 << 20}}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    // A v1 hierarchy, or cgroup2 (this hybrid host has hugetlb only there, at /sys/fs/cgroup/unified).
    auto cgroup = controller_cgroup(container.pid, "hugetlb");
    CAPTURE(cgroup.directory);
    CHECK(cgroup.value(cgroup.v2 ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes") == std::to_string(4 << 20));
}

TEST_CASE("config-linux.md#unified: a cgroup2 file of a controller cgroup2 does not have is an error [MUST]") {
    // A controller the cgroup2 root does not list (on this hybrid host pids, bound to its v1 hierarchy), else
    // net_cls, which only cgroup v1 has.
    std::string controller = "net_cls";
    auto listed = words(ocirt::test::read_file(cgroup2_mount() + "/cgroup.controllers"));
    for (const char* name : {"pids", "memory", "cpu", "io", "cpuset"}) {
        if (std::find(listed.begin(), listed.end(), name) != listed.end()) continue;
        controller = name;
        break;
    }
    CAPTURE(controller);
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"unified", {{controller + ".max", "10"}}}});
    auto r = run_container(runtime, bundle, "echo ran");
    CHECK_REFUSED(r);
    CHECK(r.out.find("ran") == std::string::npos);
}

TEST_CASE("config-linux.md#cgroup-ownership: a user-namespaced container's cgroup keeps its owner on v1, and without a read-write cgroup mount [SHOULD]") {
    // "Runtimes SHOULD NOT change the ownership of container cgroups when cgroups v1 is in use"; on cgroup2,
    // "If the configuration does not specify such a mount [cgroup at /sys/fs/cgroup, not ro], the runtime
    // SHOULD NOT change the cgroup ownership". This config has a user and a cgroup namespace and no such mount.
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, nullptr);
    fs::permissions(bundle.path(), fs::perms(0755));
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    for (const std::string controller : {"memory", "pids", "cpu"}) {
        CAPTURE(controller);
        auto cgroup = controller_cgroup(container.pid, controller);
        CAPTURE(cgroup.directory);
        struct stat st {};
        REQUIRE(::stat(cgroup.directory.c_str(), &st) == 0);
        CHECK(st.st_uid == 0);
        struct stat procs {};
        REQUIRE(::stat((cgroup.directory + "/cgroup.procs").c_str(), &procs) == 0);
        CHECK(procs.st_uid == 0);
    }
}
