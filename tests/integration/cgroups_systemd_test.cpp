// --systemd-cgroup against the host's own systemd (cgroup v2, systemd as PID 1; the systemd profile of
// tools/testvm): the unit systemctl shows, the properties it holds beside the kernel's files of its cgroup,
// update, pause/resume, delete, refusals and nested slices. Skipped where systemd is not the init.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <optional>
#include <sstream>

#include "cgroups/hierarchy.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace real_systemd {

constexpr const char* kSystemctl = "/usr/bin/systemctl";

// sd_booted(3): systemd is the init when /run/systemd/system is a directory.
std::string lacking_systemd() {
    if (!fs::is_directory("/run/systemd/system")) return "systemd is not the init here (/run/systemd/system is absent)";
    if (!fs::exists(kSystemctl)) return std::string("no ") + kSystemctl;
    auto h = ocirt::cgroups::Hierarchy::detect();
    if (h.mode() != ocirt::cgroups::Hierarchy::Mode::v2)
        return "these cases read the unit's cgroup on a cgroup v2 host; systemd here runs a v1 or hybrid layout";
    return "";
}

std::string without_newline(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

Result systemctl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {kSystemctl, "--no-pager"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
}

// `systemctl show -p NAME --value UNIT`.
std::string property(const std::string& unit, const std::string& name) {
    return without_newline(systemctl({"show", "-p", name, "--value", unit}).out);
}

// systemctl(1) show: a unit systemd does not have any more (stopped and garbage-collected) is "not-found".
bool unit_gone(const std::string& unit) {
    return eventually([&] { return property(unit, "LoadState") == "not-found"; });
}

std::string kernel_file(const std::string& cgroup, const std::string& file) {
    return without_newline(read_file("/sys/fs/cgroup" + cgroup + "/" + file));
}

// A bundle whose process sleeps, created with --systemd-cgroup and the cgroupsPath given (none: ocirt's
// default, ":ocirt:ID").
struct SystemdContainer {
    Bundle bundle;
    TempDir files{"ocirt-systemd"};
    std::string id = unique_id("sd");
    std::string unit = "ocirt-" + id + ".scope";
    std::string cgroup;  // where systemd puts the unit, for the slice given

    SystemdContainer(const std::optional<std::string>& slice, const nlohmann::json& resources = nlohmann::json::object(),
                     const std::string& expanded_slice = "/system.slice") {
        bundle.systemd_path_rewrite = false;  // these cases write the path they mean
        if (slice) bundle.config["linux"]["cgroupsPath"] = *slice + ":ocirt:" + id;
        if (!resources.empty()) bundle.config["linux"]["resources"] = resources;
        bundle.config["process"]["args"] = {"sleep", "1000"};
        bundle.write();
        cgroup = expanded_slice + "/" + unit;
    }
    Result create(const Ocirt& ocirt) const {
        return run_to_files(ocirt,
                            {"--systemd-cgroup", "create", "--bundle", bundle.path(), "--pid-file",
                             files.path() + "/pid", id},
                            files.path() + "/out", files.path() + "/err");
    }
    pid_t pid() const { return std::stoi(read_file(files.path() + "/pid")); }
    std::string file(const std::string& name) const { return kernel_file(cgroup, name); }
};

void check_nothing_left(const Ocirt& ocirt, const SystemdContainer& c) {
    CHECK_FALSE(fs::exists(ocirt.state_dir(c.id)));
    CHECK_MESSAGE(unit_gone(c.unit), systemctl({"status", c.unit}).out);
    CHECK(eventually([&] { return !fs::exists("/sys/fs/cgroup" + c.cgroup); }));
}

// systemctl status shows the scope active with the init in its cgroup, and the kernel agrees.
void check_scope_holds_init(const Ocirt& ocirt, const SystemdContainer& c, const std::string& slice) {
    pid_t pid = c.pid();
    Result status = systemctl({"status", c.unit});
    INFO(status.out);
    CHECK(status.out.find("Active: active (running)") != std::string::npos);
    // The cgroup tree lists the init (still ocirt's program until start: it waits on exec.fifo).
    size_t tree = status.out.find("CGroup: " + c.cgroup);
    CHECK(tree != std::string::npos);
    CHECK(status.out.find(std::to_string(pid) + " ", tree) != std::string::npos);
    CHECK(property(c.unit, "Slice") == slice);
    CHECK(property(c.unit, "ControlGroup") == c.cgroup);
    CHECK(property(c.unit, "Transient") == "yes");
    CHECK(property(c.unit, "Delegate") == "yes");
    CHECK(property(c.unit, "Description") == "ocirt container " + c.id);
    for (const char* accounting : {"MemoryAccounting", "CPUAccounting", "IOAccounting", "TasksAccounting"})
        CHECK_MESSAGE(property(c.unit, accounting) == "yes", accounting);
    // cgroups(7): the cgroup2 line of /proc/PID/cgroup.
    CHECK(read_file("/proc/" + std::to_string(pid) + "/cgroup") == "0::" + c.cgroup + "\n");
    auto state = nlohmann::json::parse(read_file(ocirt.state_dir(c.id) + "/state.json"));
    CHECK(state["cgroup"]["driver"] == "systemd");
    CHECK(state["cgroup"]["unit"] == c.unit);
}

// Lifecycle of a scope: create, start, the init killed, delete (not forced) leaves no unit or cgroup.
void check_scope_lifecycle(const std::optional<std::string>& slice_in_path) {
    Ocirt ocirt;
    SystemdContainer c(slice_in_path);
    auto created = c.create(ocirt);
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    check_scope_holds_init(ocirt, c, "system.slice");
    auto started = ocirt({"start", c.id});
    REQUIRE_MESSAGE(started.exit_code == 0, started.err);
    CHECK(property(c.unit, "ActiveState") == "active");
    REQUIRE(ocirt({"kill", c.id, "KILL"}).exit_code == 0);
    REQUIRE(eventually([&] { return ocirt({"state", c.id}).out.find("\"stopped\"") != std::string::npos; }));
    auto deleted = ocirt({"delete", c.id});
    CHECK_MESSAGE(deleted.exit_code == 0, deleted.err);
    check_nothing_left(ocirt, c);
}

}  // namespace real_systemd

using namespace real_systemd;

TEST_CASE("--systemd-cgroup (real systemd): cgroupsPath \"system.slice:ocirt:ID\" makes ocirt-ID.scope holding the init; delete leaves no unit or cgroup") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    check_scope_lifecycle("system.slice");
}

TEST_CASE("--systemd-cgroup (real systemd): no cgroupsPath is \":ocirt:ID\": ocirt-ID.scope in system.slice") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    check_scope_lifecycle(std::nullopt);
}

TEST_CASE("--systemd-cgroup (real systemd): delete --force of a running container stops its unit and leaves no process, unit or cgroup") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    SystemdContainer c("system.slice");
    REQUIRE(c.create(ocirt).exit_code == 0);
    REQUIRE(ocirt({"start", c.id}).exit_code == 0);
    pid_t pid = c.pid();
    REQUIRE(property(c.unit, "ActiveState") == "active");
    auto deleted = ocirt({"delete", "--force", c.id});
    CHECK_MESSAGE(deleted.exit_code == 0, deleted.err);
    CHECK(eventually([&] { return !process_exists(pid); }));
    check_nothing_left(ocirt, c);
}

TEST_CASE("--systemd-cgroup (real systemd): the unit's properties are the config's resources and the kernel's files hold the same") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    SystemdContainer c("system.slice", nlohmann::json::parse(R"({
        "memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296},
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
        "pids": {"limit": 42},
        "unified": {"memory.high": "50331648", "memory.min": "4194304"}
    })"));
    auto created = c.create(ocirt);
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    // systemd.resource-control(5) names; systemctl show prints sizes in bytes and times in its own units.
    const std::map<std::string, std::string> properties = {
        {"MemoryMax", "67108864"},   {"MemoryLow", "33554432"},          {"MemoryHigh", "50331648"},
        {"MemoryMin", "4194304"},    {"MemorySwapMax", "33554432"},      {"CPUWeight", "59"},
        {"CPUQuotaPerSecUSec", "500ms"}, {"CPUQuotaPeriodUSec", "100ms"}, {"AllowedCPUs", "0"},
        {"AllowedMemoryNodes", "0"}, {"TasksMax", "42"},
    };
    for (const auto& [name, value] : properties) CHECK_MESSAGE(property(c.unit, name) == value, name);
    // cgroup-v2.rst: the same values in the unit's cgroup (shares 512 → weight 59 by runc's and crun's formula).
    const std::map<std::string, std::string> files = {
        {"memory.max", "67108864"}, {"memory.low", "33554432"},   {"memory.high", "50331648"},
        {"memory.min", "4194304"},  {"memory.swap.max", "33554432"}, {"cpu.weight", "59"},
        {"cpu.max", "50000 100000"}, {"cpuset.cpus", "0"},         {"cpuset.mems", "0"},
        {"pids.max", "42"},
    };
    for (const auto& [name, value] : files) CHECK_MESSAGE(c.file(name) == value, name);
}

TEST_CASE("--systemd-cgroup (real systemd): a CPU quota systemd keeps in whole percents is written rounded up, the same in the unit and the kernel") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    // 12345 µs per 100 ms is 123450 µs per second: systemd.resource-control(5) CPUQuota= holds whole percents,
    // so 13% (130 ms per second, 13000 per period), as runc rounds it.
    SystemdContainer c("system.slice", {{"cpu", {{"quota", 12345}, {"period", 100000}}}});
    auto created = c.create(ocirt);
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    CHECK(property(c.unit, "CPUQuotaPerSecUSec") == "130ms");
    CHECK(c.file("cpu.max") == "13000 100000");
}

TEST_CASE("--systemd-cgroup (real systemd): block I/O limits reach the unit's cgroup, with I/O accounting on") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    // A disk the io controller can limit: virtio or SCSI, not a partition.
    std::string disk;
    for (const char* name : {"vda", "sda", "nvme0n1"})
        if (fs::exists(std::string("/sys/block/") + name + "/dev")) { disk = name; break; }
    OCIRT_SKIP_IF(disk.empty(), "no whole disk (vda, sda, nvme0n1) for io.max here");
    std::string numbers = without_newline(read_file("/sys/block/" + disk + "/dev"));
    unsigned major = std::stoul(numbers.substr(0, numbers.find(':')));
    unsigned minor = std::stoul(numbers.substr(numbers.find(':') + 1));
    nlohmann::json rate = nlohmann::json::array({{{"major", major}, {"minor", minor}, {"rate", 1048576}}});
    Ocirt ocirt;
    SystemdContainer c("system.slice", {{"blockIO", {{"throttleReadBpsDevice", rate}}}});
    auto created = c.create(ocirt);
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    CHECK(property(c.unit, "IOAccounting") == "yes");
    CHECK(c.file("io.max").find(numbers + " rbps=1048576 wbps=max") != std::string::npos);
}

TEST_CASE("--systemd-cgroup (real systemd): update reaches both the unit's properties and the kernel's files, and keeps what it did not change") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    SystemdContainer c("system.slice", nlohmann::json::parse(R"({
        "memory": {"limit": 67108864},
        "pids": {"limit": 42},
        "unified": {"memory.high": "50331648"}
    })"));
    REQUIRE(c.create(ocirt).exit_code == 0);
    REQUIRE(ocirt({"start", c.id}).exit_code == 0);
    auto updated = ocirt({"update", "--memory", "128m", "--pids-limit", "50", "--cpu-quota", "20000", "--cpu-period",
                          "100000", "--cpuset-cpus", "1", c.id});
    REQUIRE_MESSAGE(updated.exit_code == 0, updated.err);
    CHECK(property(c.unit, "MemoryMax") == "134217728");
    CHECK(property(c.unit, "TasksMax") == "50");
    CHECK(property(c.unit, "CPUQuotaPerSecUSec") == "200ms");
    CHECK(property(c.unit, "AllowedCPUs") == "1");
    CHECK(c.file("memory.max") == "134217728");
    CHECK(c.file("pids.max") == "50");
    CHECK(c.file("cpu.max") == "20000 100000");
    CHECK(c.file("cpuset.cpus") == "1");
    // systemd rewrote the unit's memory files when MemoryMax changed: memory.high must still be the config's.
    CHECK(property(c.unit, "MemoryHigh") == "50331648");
    CHECK(c.file("memory.high") == "50331648");

    auto from_json = ocirt({"update", "--resources", "-", c.id}, R"({"memory": {"limit": 100663296}, "pids": {"limit": -1}})");
    REQUIRE_MESSAGE(from_json.exit_code == 0, from_json.err);
    CHECK(property(c.unit, "MemoryMax") == "100663296");
    CHECK(property(c.unit, "TasksMax") == "infinity");
    CHECK(c.file("memory.max") == "100663296");
    CHECK(c.file("pids.max") == "max");
}

TEST_CASE("--systemd-cgroup (real systemd): pause and resume freeze and thaw the unit's cgroup") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    SystemdContainer c("system.slice");
    REQUIRE(c.create(ocirt).exit_code == 0);
    REQUIRE(ocirt({"start", c.id}).exit_code == 0);
    auto paused = ocirt({"pause", c.id});
    REQUIRE_MESSAGE(paused.exit_code == 0, paused.err);
    CHECK(c.file("cgroup.freeze") == "1");
    CHECK(eventually([&] { return c.file("cgroup.events").find("frozen 1") != std::string::npos; }));
    CHECK(ocirt({"state", c.id}).out.find("\"paused\"") != std::string::npos);
    CHECK(property(c.unit, "ActiveState") == "active");
    auto resumed = ocirt({"resume", c.id});
    REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
    CHECK(c.file("cgroup.freeze") == "0");
    CHECK(eventually([&] { return c.file("cgroup.events").find("frozen 0") != std::string::npos; }));
    CHECK(ocirt({"state", c.id}).out.find("\"running\"") != std::string::npos);
    // A paused container is thawed so that delete --force's SIGKILL lands.
    REQUIRE(ocirt({"pause", c.id}).exit_code == 0);
    CHECK(ocirt({"delete", "--force", c.id}).exit_code == 0);
    check_nothing_left(ocirt, c);
}

TEST_CASE("--systemd-cgroup (real systemd): a cpuset the kernel refuses fails create naming the file, and no unit is left") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    SystemdContainer c("system.slice", {{"cpu", {{"cpus", "63"}}}});  // no CPU 63 in a test guest
    OCIRT_SKIP_IF(fs::exists("/sys/devices/system/cpu/cpu63"), "this host has a CPU 63");
    auto created = c.create(ocirt);
    CHECK(created.exit_code == 1);
    CHECK_MESSAGE(created.err.find("/linux/resources/cpu/cpus") != std::string::npos, created.err);
    CHECK_MESSAGE(created.err.find("cpuset.cpus") != std::string::npos, created.err);
    check_nothing_left(ocirt, c);
}

TEST_CASE("--systemd-cgroup (real systemd): a value systemd refuses fails create naming the D-Bus error, and no unit is left") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt;
    // systemd.resource-control(5): CPUWeight= is 1...10000 (or idle).
    SystemdContainer c("system.slice", {{"unified", {{"cpu.weight", "10001"}}}});
    auto created = c.create(ocirt);
    CHECK(created.exit_code == 1);
    CHECK_MESSAGE(created.err.find("StartTransientUnit \"" + c.unit + "\": org.freedesktop.DBus.Error.InvalidArgs") !=
                      std::string::npos,
                  created.err);
    check_nothing_left(ocirt, c);
}

TEST_CASE("--systemd-cgroup (real systemd): a unit name another container holds fails create with UnitExists and leaves that container running") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    Ocirt ocirt, other_root;
    SystemdContainer first("system.slice");
    REQUIRE(first.create(ocirt).exit_code == 0);
    // The same cgroupsPath (so the same unit) from another state root: a different container, the same ID.
    Result second = run_to_files(other_root,
                                 {"--systemd-cgroup", "create", "--bundle", first.bundle.path(), first.id},
                                 first.files.path() + "/out2", first.files.path() + "/err2");
    CHECK(second.exit_code == 1);
    CHECK_MESSAGE(second.err.find("org.freedesktop.systemd1.UnitExists") != std::string::npos, second.err);
    CHECK_FALSE(fs::exists(other_root.state_dir(first.id)));
    CHECK(property(first.unit, "ActiveState") == "active");
    CHECK(process_exists(first.pid()));
    CHECK(read_file("/proc/" + std::to_string(first.pid()) + "/cgroup") == "0::" + first.cgroup + "\n");
    CHECK(ocirt({"delete", "--force", first.id}).exit_code == 0);
    check_nothing_left(ocirt, first);
}

TEST_CASE("--systemd-cgroup (real systemd): a scope in user.slice and in a nested slice that create makes (ocirt-test.slice)") {
    OCIRT_SKIP_IF_LACKING(lacking_systemd());
    // systemd.slice(5): "ocirt-test.slice" is a child of "ocirt.slice"; neither exists before, systemd makes both.
    const std::pair<std::string, std::string> slices[] = {{"user.slice", "/user.slice"},
                                                          {"ocirt-test.slice", "/ocirt.slice/ocirt-test.slice"}};
    for (const auto& [slice, expanded] : slices) {
        CAPTURE(slice);
        Ocirt ocirt;
        SystemdContainer c(slice, {{"pids", {{"limit", 17}}}}, expanded);
        auto created = c.create(ocirt);
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        check_scope_holds_init(ocirt, c, slice);
        CHECK(property(slice, "ActiveState") == "active");
        CHECK(c.file("pids.max") == "17");
        CHECK(ocirt({"delete", "--force", c.id}).exit_code == 0);
        check_nothing_left(ocirt, c);
    }
    // systemd started ocirt-test.slice and ocirt.slice for the scope's Slice= and keeps them, empty and
    // active: slices are the host's to stop (runc leaves them too; another container may use them).
    CHECK(property("ocirt-test.slice", "ActiveState") == "active");
    CHECK(systemctl({"stop", "ocirt-test.slice", "ocirt.slice"}).exit_code == 0);
    CHECK(eventually([] { return !fs::exists("/sys/fs/cgroup/ocirt.slice"); }));
}
