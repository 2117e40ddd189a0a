// config-linux.md "Control groups": cgroupsPath and the resources this host's cgroup v1 hierarchies can
// show, read from the host through the created container's pid (/proc/PID/cgroup) and its cgroup files.
// Skipped (the host cannot): blkio weight and leafWeight (the blkio hierarchy has no weight files, BFQ
// only), network (no net_cls/net_prio hierarchy), rdma (no controller), cpu idle (a cgroup2 file),
// intelRdt (no RDT hardware). Skipped (not observable at create): the MAY "fit for purpose" check and
// memory.checkBeforeUpdate (update). memory kernel/kernelTCP: NOT RECOMMENDED and gone from 6.x kernels.
// The cgroup-v2 ownership rules do not apply here (v1), but the v1 SHOULD NOT is checked.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>

#include "conformance.hpp"
#include "linux_support.hpp"

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
        place = cgroups_of(container.pid)["memory"];
        CHECK(runtime({"delete", "--force", container.id}).exit_code == 0);
    }
    CHECK(places[0] == places[1]);
    CHECK(places[0].find(relative) != std::string::npos);
}

TEST_CASE("config-linux.md#memory: limit, reservation, swap, swappiness and disableOOMKiller are the memory cgroup's [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"memory",
                                                          {{"limit", 64 << 20},
                                                           {"reservation", 32 << 20},
                                                           {"swap", 96 << 20},
                                                           {"swappiness", 17},
                                                           {"disableOOMKiller", true}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    std::string path = cgroups_of(container.pid)["memory"];
    CHECK(cgroup_value("memory", path, "memory.limit_in_bytes") == std::to_string(64 << 20));
    CHECK(cgroup_value("memory", path, "memory.soft_limit_in_bytes") == std::to_string(32 << 20));
    CHECK(cgroup_value("memory", path, "memory.memsw.limit_in_bytes") == std::to_string(96 << 20));
    CHECK(cgroup_value("memory", path, "memory.swappiness") == "17");
    CHECK(lines_with(cgroup_value("memory", path, "memory.oom_control"), "oom_kill_disable 1").size() == 1);
}

TEST_CASE("config-linux.md#cpu: shares, quota and period are the cpu cgroup's [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"shares", 512}, {"quota", 20000}, {"period", 50000}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    std::string path = cgroups_of(container.pid)["cpu"];
    CHECK(cgroup_value("cpu", path, "cpu.shares") == "512");
    CHECK(cgroup_value("cpu", path, "cpu.cfs_quota_us") == "20000");
    CHECK(cgroup_value("cpu", path, "cpu.cfs_period_us") == "50000");
}

TEST_CASE("config-linux.md#cpu: cpus and mems are the cpuset the process runs on [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"cpus", "1"}, {"mems", "0"}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    std::string path = cgroups_of(container.pid)["cpuset"];
    CHECK(cgroup_value("cpuset", path, "cpuset.cpus") == "1");
    CHECK(cgroup_value("cpuset", path, "cpuset.mems") == "0");
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
    CHECK(cgroup_value("pids", cgroups_of(container.pid)["pids"], "pids.max") == "17");
}

TEST_CASE("config-linux.md#pids: a limit of 0 is the limit 0, not unlimited [SHOULD]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"pids", {{"limit", 0}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    CHECK(cgroup_value("pids", cgroups_of(container.pid)["pids"], "pids.max") == "0");
}

TEST_CASE("config-linux.md#cpu: burst is the cpu cgroup's CFS burst [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"quota", 20000}, {"period", 50000}, {"burst", 10000}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    CHECK(cgroup_value("cpu", cgroups_of(container.pid)["cpu"], "cpu.cfs_burst_us") == "10000");
}

TEST_CASE("config-linux.md#cpu: realtimeRuntime and realtimePeriod are the cpu cgroup's RT budget [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"cpu", {{"realtimeRuntime", 1000}, {"realtimePeriod", 500000}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    std::string path = cgroups_of(container.pid)["cpu"];
    CHECK(cgroup_value("cpu", path, "cpu.rt_runtime_us") == "1000");
    CHECK(cgroup_value("cpu", path, "cpu.rt_period_us") == "500000");
}

TEST_CASE("config-linux.md#block-io: the throttle device rates are the blkio cgroup's [MUST]") {
    struct stat loop {};
    REQUIRE(::stat("/dev/loop0", &loop) == 0);
    std::string device = std::to_string(major(loop.st_rdev)) + ":" + std::to_string(minor(loop.st_rdev));
    nlohmann::json numbers = {{"major", major(loop.st_rdev)}, {"minor", minor(loop.st_rdev)}};
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
    std::string path = cgroups_of(container.pid)["blkio"];
    CHECK(cgroup_value("blkio", path, "blkio.throttle.read_bps_device") == device + " 1048576");
    CHECK(cgroup_value("blkio", path, "blkio.throttle.write_bps_device") == device + " 524288");
    CHECK(cgroup_value("blkio", path, "blkio.throttle.read_iops_device") == device + " 300");
    CHECK(cgroup_value("blkio", path, "blkio.throttle.write_iops_device") == device + " 200");
}

TEST_CASE("config-linux.md#allowed-device-list: the entries apply in the listed order [MUST]") {
    // A block device node in the rootfs that no default rule covers: /dev/loop0's numbers at /conformance-loop.
    struct stat loop {};
    REQUIRE(::stat("/dev/loop0", &loop) == 0);
    nlohmann::json deny_all = {{"allow", false}, {"access", "rwm"}};
    nlohmann::json allow = {{"allow", true}, {"type", "b"}, {"major", major(loop.st_rdev)}, {"minor", minor(loop.st_rdev)}, {"access", "r"}};
    nlohmann::json deny = allow;
    deny["allow"] = false;
    const std::pair<nlohmann::json, const char*> cases[] = {{{deny_all, allow, deny}, "denied"}, {{deny_all, deny, allow}, "opened"}};
    for (const auto& [rules, expected] : cases) {
        CAPTURE(rules.dump());
        Runtime runtime;
        SpecBundle bundle;
        REQUIRE(::mknod((bundle.path() + "/rootfs/conformance-loop").c_str(), S_IFBLK | 0600, loop.st_rdev) == 0);
        bundle.config["linux"]["resources"]["devices"] = rules;
        auto r = run_container(runtime, bundle, "if (exec 3</conformance-loop) 2>/dev/null; then echo opened; else echo denied; fi");
        INFO(r.err);
        CHECK(r.out == std::string(expected) + "\n");
    }
}

TEST_CASE("config-linux.md#huge-page-limits: a hugepage limit is the hugetlb cgroup's [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    SpecBundle bundle;
    limit(bundle, unique.path, {{"hugepageLimits", {{{"pageSize", "2MB"}, {"limit", 4 << 20}}}}});
    CreatedContainer container(runtime, bundle);
    INFO(container.result.err);
    REQUIRE(container.pid > 0);
    auto cgroups = cgroups_of(container.pid);
    // This host has hugetlb only on its cgroup2 hierarchy (mounted at /sys/fs/cgroup/unified).
    std::string value = cgroups.count("hugetlb") ? cgroup_value("hugetlb", cgroups["hugetlb"], "hugetlb.2MB.limit_in_bytes")
                                                 : cgroup_value("unified", cgroups[""], "hugetlb.2MB.max");
    CHECK(value == std::to_string(4 << 20));
}

TEST_CASE("config-linux.md#unified: a cgroup2 file of a controller cgroup2 does not have is an error [MUST]") {
    UniqueCgroupsPath unique;
    Runtime runtime;
    // pids is a v1 hierarchy on this host, so cgroup2 cannot enable it.
    SpecBundle bundle;
    limit(bundle, unique.path, {{"unified", {{"pids.max", "10"}}}});
    auto r = run_container(runtime, bundle, "echo ran");
    CHECK_REFUSED(r);
    CHECK(r.out.find("ran") == std::string::npos);
}

TEST_CASE("config-linux.md#cgroup-ownership: a user-namespaced container's v1 cgroup keeps its owner [SHOULD]") {
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
    auto cgroups = cgroups_of(container.pid);
    for (const std::string controller : {"memory", "pids", "cpu"}) {
        CAPTURE(controller);
        struct stat st {};
        REQUIRE(::stat(("/sys/fs/cgroup/" + controller + cgroups[controller]).c_str(), &st) == 0);
        CHECK(st.st_uid == 0);
        struct stat procs {};
        REQUIRE(::stat(("/sys/fs/cgroup/" + controller + cgroups[controller] + "/cgroup.procs").c_str(), &procs) == 0);
        CHECK(procs.st_uid == 0);
    }
}
