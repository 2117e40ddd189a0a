// linux.resources on the cgroup2 mount: each value read back from the kernel's files of the container's
// cgroup (found through /proc/PID/cgroup) and, through the container's cgroup namespace, from inside; what
// cgroup v2 has no file for, and values the kernel refuses, fail create naming the field. A case skips where
// the cgroup2 mount does not own its controllers: a hybrid host's v1 hierarchies take them there, and
// cgroups_v1_test.cpp reads them back.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "block_devices.hpp"
#include "cgroup_paths.hpp"
#include "cgroups/bpf_device_program.hpp"
#include "cgroups/bpf_syscalls.hpp"
#include "cgroups/device_filter.hpp"
#include "client_resources.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"
#include "util/unique_fd.hpp"

using namespace ocirt::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> text_lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// A created container with `resources` merged into the bundle's linux.resources; `script` runs once started.
struct V2Container {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files{"ocirt-cgroups-v2"};
    std::string id = unique_id("cgv2");
    pid_t pid = -1;
    std::string dir;  // the container's cgroup on the host's cgroup2 mount

    // `linux` is merged into the bundle's linux section too (devices, say).
    explicit V2Container(const json& resources, const std::string& script = "sleep 60",
                         const json& linux = json::object()) {
        bundle.config["linux"].update(linux);
        bundle.config["linux"]["resources"].update(resources);
        bundle.shell(script);
        bundle.write();
        auto created =
            run_to_files(ocirt, {"create", "--bundle", bundle.path(), "--pid-file", files.path() + "/pid", id},
                         files.path() + "/out", files.path() + "/err");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        pid = std::stoi(read_file(files.path() + "/pid"));
        dir = cgroup2_dir(pid);
        // With no cgroupsPath: a directory named by the ID, or the systemd driver's scope for it.
        REQUIRE(fs::path(dir).filename() == (systemd_cgroup_driver() ? systemd_scope_of(id) : id));
    }
    std::string file(const std::string& name) const { return cgroup_file(dir + "/" + name); }
    void start() const {
        auto started = ocirt({"start", id});
        REQUIRE_MESSAGE(started.exit_code == 0, started.err);
    }
    // The first `count` lines the started script printed (fewer when it did not print them in 10 s).
    std::vector<std::string> printed(size_t count) const {
        std::vector<std::string> lines;
        eventually(
            [&] {
                lines = text_lines(read_file(files.path() + "/out"));
                return lines.size() >= count;
            },
            10000);
        INFO(read_file(files.path() + "/err"));
        CHECK(lines.size() >= count);
        return lines;
    }
    // delete -f, then no directory named after the container may remain in any hierarchy.
    void remove() {
        auto deleted = ocirt({"delete", "--force", id});
        CHECK_MESSAGE(deleted.exit_code == 0, deleted.err);
        CHECK(cgroups_named(id).empty());
    }
};

// A create that must fail: exit 1, the error on stderr, nothing left behind.
std::string failed_v2_create(const json& resources) {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["resources"].update(resources);
    bundle.write();
    std::string id = unique_id("cgv2bad");
    auto r = ocirt({"create", "--bundle", bundle.path(), id});
    CHECK(r.exit_code == 1);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
    return r.err;
}

// blkio weight 300 as each v2 file takes it: BFQ unconverted, io.weight through runc's conversion
// 1 + (w - 10) * 9999 / 990.
std::string weight_300_in(const std::string& file) { return file == "io.bfq.weight" ? "300" : "2930"; }

}  // namespace

TEST_CASE("cgroups v2: memory.max, memory.low and memory.swap.max from limit, reservation and swap, read back outside and inside") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"memory"}));
    const std::string inside = cgroup2_inside();
    // The spec's swap is memory+swap: 96 MiB of it over a 64 MiB limit is 32 MiB of swap.
    V2Container c(json{{"memory", {{"limit", 64 << 20}, {"reservation", 32 << 20}, {"swap", 96 << 20}}}},
                  "cat " + inside + "/memory.max " + inside + "/memory.low " + inside + "/memory.swap.max; sleep 60");
    CHECK(c.file("memory.max") == std::to_string(64 << 20));
    CHECK(c.file("memory.low") == std::to_string(32 << 20));
    CHECK(c.file("memory.swap.max") == std::to_string(32 << 20));
    c.start();
    auto seen = c.printed(3);
    CHECK(seen == std::vector<std::string>{std::to_string(64 << 20), std::to_string(32 << 20), std::to_string(32 << 20)});
    c.remove();
}

TEST_CASE("cgroups v2: cpu.max, cpu.weight and cpu.max.burst from quota, period, shares and burst, read back outside and inside") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"cpu"}));
    const std::string inside = cgroup2_inside();
    V2Container c(json{{"cpu", {{"shares", 512}, {"quota", 50000}, {"period", 100000}, {"burst", 10000}}}},
                  "cat " + inside + "/cpu.max " + inside + "/cpu.weight; sleep 60");
    CHECK(c.file("cpu.max") == "50000 100000");
    CHECK(c.file("cpu.weight") == "59");  // shares 512 by runc's and crun's quadratic (1024 → 100)
    CHECK(c.file("cpu.max.burst") == "10000");
    c.start();
    CHECK(c.printed(2) == std::vector<std::string>{"50000 100000", "59"});
    c.remove();
}

TEST_CASE("cgroups v2: cpu.idle, cpuset.cpus and cpuset.mems read back, and the init's allowed cpus and nodes follow") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"cpu", "cpuset"}));
    V2Container c(json{{"cpu", {{"idle", 1}, {"cpus", "0"}, {"mems", "0"}}}});
    CHECK(c.file("cpu.idle") == "1");
    CHECK(c.file("cpuset.cpus") == "0");
    CHECK(c.file("cpuset.mems") == "0");
    CHECK(c.file("cpuset.cpus.effective") == "0");
    std::string status = read_file("/proc/" + std::to_string(c.pid) + "/status");
    CHECK(status.find("Cpus_allowed_list:\t0\n") != std::string::npos);
    CHECK(status.find("Mems_allowed_list:\t0\n") != std::string::npos);
    c.remove();
}

TEST_CASE("cgroups v2: pids.max from pids.limit: a number at create, then -1 as max and 0 as 0 by update") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"pids"}));
    V2Container c(json{{"pids", {{"limit", 20}}}});
    CHECK(c.file("pids.max") == "20");
    for (auto [limit, expected] : std::vector<std::pair<int, std::string>>{{-1, "max"}, {0, "0"}}) {
        CAPTURE(limit);
        auto update = c.ocirt({"update", "--resources", "-", c.id}, json{{"pids", {{"limit", limit}}}}.dump());
        CHECK_MESSAGE(update.exit_code == 0, update.err);
        CHECK(c.file("pids.max") == expected);
    }
    // 1.3: limit is optional; pids without it changes nothing.
    auto update = c.ocirt({"update", "--resources", "-", c.id}, json{{"pids", json::object()}}.dump());
    CHECK_MESSAGE(update.exit_code == 0, update.err);
    CHECK(c.file("pids.max") == "0");
    c.remove();
}

TEST_CASE("cgroups v2: a pids limit stops a fork bomb at the limit") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"pids"}));
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["resources"]["pids"] = {{"limit", 10}};
    // As in the v1 case: the bomb's subshell dies when a fork fails; then builtins count what is there.
    bundle.shell("(i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null; "
                 "sleep 30 & set -- /proc/[0-9]*; echo processes=$#");
    bundle.write();
    std::string id = unique_id("cgv2bomb");
    auto r = ocirt({"run", "--bundle", bundle.path(), id});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "processes=10\n");
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("cgroups v2: io.max from the four throttles and the io weights (io.bfq.weight or io.weight), read back") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"io"}));
    std::string disk = disk_device();
    OCIRT_SKIP_IF(disk.empty(), "no disk on this host besides loop, ram and zram devices");
    auto throttle = [&](long long rate) {
        return json::array({{{"major", major_of(disk)}, {"minor", minor_of(disk)}, {"rate", rate}}});
    };
    json block_io = {{"weight", 300},
                     {"throttleReadBpsDevice", throttle(1048576)},
                     {"throttleWriteBpsDevice", throttle(2097152)},
                     {"throttleReadIOPSDevice", throttle(100)},
                     {"throttleWriteIOPSDevice", throttle(200)}};
    // A per-device weight needs a scheduler that keeps weights for that disk: BFQ.
    bool disk_on_bfq = scheduler_of(disk) == "bfq";
    if (disk_on_bfq)
        block_io["weightDevice"] = {{{"major", major_of(disk)}, {"minor", minor_of(disk)}, {"weight", 700}}};
    const std::string inside = cgroup2_inside();
    V2Container c(json{{"blockIO", block_io}}, "cat " + inside + "/io.max; sleep 60");
    std::string io_max = disk + " rbps=1048576 wbps=2097152 riops=100 wiops=200";
    CHECK(c.file("io.max") == io_max);
    std::string weight_file = v2_io_weight_file(c.dir);
    REQUIRE_MESSAGE(!weight_file.empty(), "create took a blkio weight without io.bfq.weight or io.weight");
    auto weights = text_lines(c.file(weight_file));
    REQUIRE_FALSE(weights.empty());
    CHECK(weights[0] == "default " + weight_300_in(weight_file));
    if (disk_on_bfq) {
        CHECK(weight_file == "io.bfq.weight");
        CHECK(std::find(weights.begin(), weights.end(), disk + " 700") != weights.end());
    }
    c.start();
    CHECK(c.printed(1) == std::vector<std::string>{io_max});
    c.remove();
}

TEST_CASE("cgroups v2: a per-device weight for a disk whose scheduler keeps no weights is refused naming field, file and reason") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"io"}));
    std::string disk = disk_device();
    OCIRT_SKIP_IF(disk.empty(), "no disk on this host besides loop, ram and zram devices");
    OCIRT_SKIP_IF(read_file("/sys/dev/block/" + disk + "/queue/scheduler").find("bfq") == std::string::npos,
                  "the BFQ scheduler is not available here (not in " + disk + "'s queue/scheduler)");
    // BFQ is loaded, so every cgroup has io.bfq.weight; the disk, switched to "none", has no weights.
    SchedulerSwitch none(block_name_of(disk), "none");
    auto err = failed_v2_create(
        {{"blockIO", {{"weightDevice", {{{"major", major_of(disk)}, {"minor", minor_of(disk)}, {"weight", 500}}}}}}});
    CHECK(err.find("/linux/resources/blockIO/weightDevice/0/weight") != std::string::npos);
    CHECK(err.find("io.bfq.weight") != std::string::npos);
    CHECK(err.find("Operation not supported") != std::string::npos);
}

namespace {

// ocirt's device programs (by name) attached to a cgroup2 directory.
size_t ocirt_device_programs(const std::string& cgroup) {
    namespace bpf = ocirt::cgroups::bpf;
    ocirt::UniqueFd dir(::open(cgroup.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    REQUIRE(dir);
    size_t ours = 0;
    for (uint32_t id : bpf::attached_device_programs(dir.get()))
        if (auto fd = bpf::program_by_id(id); fd && bpf::program_name(fd->get()) == ocirt::cgroups::kDeviceProgramName)
            ++ours;
    return ours;
}

}  // namespace

TEST_CASE("cgroups v2: the eBPF device program: a denied access fails inside, an allowed one and the defaults work") {
    OCIRT_SKIP_IF(cgroup2_mount().empty(), "no cgroup2 mount on this host");
    OCIRT_SKIP_IF(!v1_mount("devices").empty(),
                  "this host has a v1 devices hierarchy, where ocirt writes devices.allow and devices.deny instead");
    // /dev/kmsg (1:11) is no default device: opened write-only it needs nothing but the device rule, which
    // allows writing only; reading it is denied by the deny-all before it.
    json kmsg = {{"path", "/dev/kmsg"}, {"type", "c"}, {"major", 1}, {"minor", 11}, {"fileMode", 420}};
    json rules = json::array({{{"allow", false}, {"access", "rwm"}},
                              {{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 11}, {"access", "w"}}});
    V2Container c(json{{"devices", rules}},
                  "(exec 3>/dev/kmsg) && echo write-opened; (exec 3</dev/kmsg) 2>&1 || echo read-refused; "
                  "cat /dev/null && echo null-ok; head -c 3 /dev/zero | wc -c; sleep 60",
                  json{{"devices", json::array({kmsg})}});
    CHECK(ocirt_device_programs(c.dir) == 1);
    c.start();
    auto seen = c.printed(5);
    REQUIRE(seen.size() >= 5);
    CHECK(seen[0] == "write-opened");
    CHECK(seen[1].find("/dev/kmsg: Operation not permitted") != std::string::npos);
    CHECK(seen[2] == "read-refused");
    CHECK(seen[3] == "null-ok");
    CHECK(seen[4] == "3");
    c.remove();
}

TEST_CASE("cgroups v2: linux.resources.unified writes each key as given, enabling its controller; an unknown controller is refused") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"memory", "pids", "cpu"}));
    V2Container c(json{{"unified",
                        {{"memory.high", "50331648"}, {"memory.oom.group", "1"}, {"pids.max", "33"}, {"cpu.weight", "77"}}}});
    CHECK(c.file("memory.high") == "50331648");
    CHECK(c.file("memory.oom.group") == "1");
    CHECK(c.file("pids.max") == "33");
    CHECK(c.file("cpu.weight") == "77");
    c.remove();
    auto err = failed_v2_create({{"unified", {{"nosuch.max", "1"}}}});
    CHECK(err.find("/linux/resources/unified/nosuch.max") != std::string::npos);
    CHECK(err.find("no \"nosuch\" controller") != std::string::npos);
}

TEST_CASE("cgroups v2: with a cgroup namespace /proc/self/cgroup is 0::/ and /sys/fs/cgroup is the container's own cgroup") {
    OCIRT_SKIP_IF_LACKING(lacking_v2_only_host());
    OCIRT_SKIP_IF_LACKING(lacking_v2({"pids"}));
    V2Container c(json{{"pids", {{"limit", 42}}}},
                  "cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max; "
                  "grep ' /sys/fs/cgroup ' /proc/self/mountinfo | cut -d' ' -f4; "
                  "grep ' /sys/fs/cgroup ' /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1; "
                  "find /sys/fs/cgroup -mindepth 1 -type d | wc -l; sleep 60");
    c.start();
    auto seen = c.printed(5);
    REQUIRE(seen.size() >= 5);
    CHECK(seen[0] == "0::/");
    CHECK(seen[1] == "42");  // the container's own limit: the host's root has no pids.max
    CHECK(seen[2] == "/");   // the mount's root is the namespace's root, the container's cgroup
    CHECK(seen[3] == "cgroup2");
    CHECK(seen[4] == "0");   // no other cgroup in sight
    CHECK(c.file("pids.max") == "42");
    c.remove();
}

TEST_CASE("cgroups v2: what cgroup v2 has no file for, and values the kernel refuses, fail create naming the field") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"memory", "cpu", "cpuset", "io"}));
    struct Refusal {
        json resources;
        std::string pointer, words;
    };
    // One of each kind (tests/unit/cgroups_v2_resources_test.cpp checks every refusal of the mapping): a knob
    // with no cgroup2 file, a value the spec's rules refuse, a controller cgroup2 lacks, and the kernel's own
    // refusal, with the file it refused.
    const std::vector<Refusal> refusals = {
        {{{"memory", {{"swappiness", 10}}}}, "/linux/resources/memory/swappiness", "no per-cgroup swappiness"},
        {{{"memory", {{"limit", 64 << 20}, {"swap", 32 << 20}}}}, "/linux/resources/memory/swap", "below memory.limit"},
        {{{"cpu", {{"realtimeRuntime", 1000}, {"realtimePeriod", 1000000}}}}, "/linux/resources/cpu/realtimeRuntime",
         "no realtime cpu controller"},
        // The systemd driver sends the list as AllowedCPUs= first, a bitmask systemd caps.
        {{{"cpu", {{"cpus", "99999"}}}}, "/linux/resources/cpu/cpus",
         systemd_cgroup_driver() ? "99999 is above the highest CPU" : "cpuset.cpus"},
    };
    for (const auto& refusal : refusals) {
        CAPTURE(refusal.resources.dump());
        auto err = failed_v2_create(refusal.resources);
        CHECK(err.find(refusal.pointer) != std::string::npos);
        CHECK(err.find(refusal.words) != std::string::npos);
    }
}

TEST_CASE("cgroups v2: the zeros Docker sends for unset limits write nothing, at create and at update, as with runc") {
    OCIRT_SKIP_IF_LACKING(lacking_v2({"cpu", "cpuset", "memory", "io"}));
    V2Container c(kDockerRunResources);
    // Nothing was written: each file keeps what a new cgroup starts with.
    CHECK(c.file("cpu.weight") == "100");
    CHECK(c.file("cpu.max") == "max 100000");
    CHECK(c.file("memory.max") == "max");
    std::string weight_file = v2_io_weight_file(c.dir);
    std::string weights = weight_file.empty() ? "" : c.file(weight_file);
    if (!weight_file.empty()) CHECK(text_lines(weights).at(0) == "default 100");

    auto updated = c.ocirt({"update", "--resources", "-", c.id}, kDockerUpdateResources.dump());
    CHECK_MESSAGE(updated.exit_code == 0, updated.err);
    CHECK(c.file("cpu.weight") == "59");
    CHECK(c.file("cpu.max") == "max 100000");
    CHECK(c.file("memory.max") == "max");
    CHECK(c.file("memory.low") == "0");
    CHECK(c.file("cpuset.cpus") == "");  // not written: the parent's cpus stay in effect
    if (!weight_file.empty()) CHECK(c.file(weight_file) == weights);

    // runc's update flags take 0 the same way.
    auto flags = c.ocirt({"update", "--cpu-share", "0", "--memory", "0", "--cpu-quota", "30000", c.id});
    CHECK_MESSAGE(flags.exit_code == 0, flags.err);
    CHECK(c.file("cpu.weight") == "59");
    CHECK(c.file("cpu.max") == "30000 100000");
    CHECK(c.file("memory.max") == "max");
    c.remove();
}
