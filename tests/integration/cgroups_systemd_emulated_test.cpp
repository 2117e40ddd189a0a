// --systemd-cgroup against an emulated systemd (emulated_systemd.hpp): the unit ocirt asks for, where the
// init lands, the limits the kernel holds, and the unit stopped on delete and on a failed create.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <sstream>

#include "cgroups/hierarchy.hpp"
#include "container_helpers.hpp"
#include "emulated_systemd.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kSlice = "ocirttest.slice";

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// A bundle whose process sleeps, placed at "ocirttest.slice:ocirt:<id>".
struct SystemdBundle {
    Bundle bundle;
    TempDir files{"ocirt-systemd-emulated"};
    std::string id = unique_id("sdemu");
    std::string unit = "ocirt-" + id + ".scope";
    std::string cgroup = std::string("/") + kSlice + "/" + unit;

    explicit SystemdBundle(const nlohmann::json& resources) {
        bundle.config["linux"]["cgroupsPath"] = std::string(kSlice) + ":ocirt:" + id;
        bundle.config["linux"]["resources"].update(resources);
        bundle.config["process"]["args"] = {"sleep", "1000"};
        bundle.write();
    }
    Result create(const Ocirt& ocirt) const {
        return run_to_files(ocirt,
                            {"--systemd-cgroup", "create", "--bundle", bundle.path(), "--pid-file",
                             files.path() + "/pid", id},
                            files.path() + "/out", files.path() + "/err");
    }
    pid_t pid() const { return std::stoi(read_file(files.path() + "/pid")); }
};

// The file of a limit in the container's cgroup: the v1 hierarchy of `controller` where the host has one, else
// the cgroup2 mount's file.
std::string limit_file(const ocirt::cgroups::Hierarchy& h, const std::string& cgroup, const char* controller,
                       const char* v1_file, const char* v2_file) {
    if (const auto* v1 = h.v1_with(controller)) return v1->mount_point + cgroup + "/" + v1_file;
    REQUIRE_MESSAGE(h.unified(), "no hierarchy here has " << controller);
    return h.unified()->mount_point + cgroup + "/" + v2_file;
}

void check_nothing_left(const Ocirt& ocirt, const SystemdBundle& b) {
    CHECK_FALSE(fs::exists(ocirt.state_dir(b.id)));
    CHECK(cgroups_named(b.unit).empty());
    CHECK(cgroups_named(kSlice).empty());
}

}  // namespace

TEST_CASE("--systemd-cgroup (emulated systemd): create starts a scope holding the init, limits hold, update and delete reach systemd") {
    EmulatedSystemd systemd;
    Ocirt ocirt;
    SystemdBundle b({{"memory", {{"limit", 67108864}}}, {"pids", {{"limit", 42}}}});
    auto created = b.create(ocirt);
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    pid_t pid = b.pid();

    auto starts = systemd.calls_of("StartTransientUnit");
    REQUIRE(starts.size() == 1);
    auto& start = starts.front();
    CHECK(start.unit == b.unit);
    CHECK(start.properties["Slice"] == kSlice);
    CHECK(start.properties["PIDs"] == "[" + std::to_string(pid) + "]");
    CHECK(start.properties["Delegate"] == "true");
    CHECK(start.properties["DefaultDependencies"] == "false");
    auto hierarchy = ocirt::cgroups::Hierarchy::detect();
    // runc's names: v1 (and hybrid) MemoryLimit, v2 MemoryMax (systemd.resource-control(5)).
    bool v2 = hierarchy.mode() == ocirt::cgroups::Hierarchy::Mode::v2;
    CHECK(start.properties[v2 ? "MemoryMax" : "MemoryLimit"] == "67108864");
    CHECK(start.properties["TasksMax"] == "42");
    CHECK_MESSAGE(!start.directories_existed, "ocirt made the unit's cgroup before systemd did");

    // cgroups(7): every hierarchy's line in /proc/PID/cgroup names the scope.
    std::istringstream lines(read_file("/proc/" + std::to_string(pid) + "/cgroup"));
    size_t hierarchies = 0;
    for (std::string line; std::getline(lines, line); ++hierarchies)
        CHECK_MESSAGE(line.substr(line.find(':', line.find(':') + 1) + 1) == b.cgroup, line);
    CHECK(hierarchies == hierarchy.all().size());
    std::string memory_limit = limit_file(hierarchy, b.cgroup, "memory", "memory.limit_in_bytes", "memory.max");
    std::string pids_max = limit_file(hierarchy, b.cgroup, "pids", "pids.max", "pids.max");
    CHECK(trim(read_file(memory_limit)) == "67108864");
    CHECK(trim(read_file(pids_max)) == "42");
    auto state = nlohmann::json::parse(read_file(ocirt.state_dir(b.id) + "/state.json"));
    CHECK(state["cgroup"]["driver"] == "systemd");
    CHECK(state["cgroup"]["unit"] == b.unit);
    for (const auto& [key, path] : state["cgroup"]["paths"].items()) CHECK_MESSAGE(path["cgroup"] == b.cgroup, key);
    auto ps = ocirt({"ps", "--format", "json", b.id});
    CHECK(ps.out.find(std::to_string(pid)) != std::string::npos);

    auto update = ocirt({"update", "--pids-limit", "50", b.id});
    CHECK_MESSAGE(update.exit_code == 0, update.err);
    CHECK(trim(read_file(pids_max)) == "50");
    auto sets = systemd.calls_of("SetUnitProperties");
    REQUIRE(sets.size() == 1);
    CHECK(sets.front().unit == b.unit);
    CHECK(sets.front().properties == std::map<std::string, std::string>{{"TasksMax", "50"}});

    auto deleted = ocirt({"delete", "--force", b.id});
    CHECK_MESSAGE(deleted.exit_code == 0, deleted.err);
    auto stops = systemd.calls_of("StopUnit");
    REQUIRE(stops.size() == 1);
    CHECK(stops.front().unit == b.unit);
    check_nothing_left(ocirt, b);
}

TEST_CASE("--systemd-cgroup (emulated systemd): a resource the kernel refuses fails create and stops the unit") {
    EmulatedSystemd systemd;
    Ocirt ocirt;
    SystemdBundle b(nlohmann::json::parse(R"({"cpu": {"cpus": "63"}})"));
    auto created = b.create(ocirt);
    CHECK(created.exit_code == 1);
    CHECK_MESSAGE(created.err.find("cpuset.cpus") != std::string::npos, created.err);
    REQUIRE(systemd.calls_of("StartTransientUnit").size() == 1);
    CHECK(systemd.calls_of("StartTransientUnit").front().properties["AllowedCPUs"] == "[0,0,0,0,0,0,0,128]");
    auto stops = systemd.calls_of("StopUnit");
    REQUIRE(stops.size() == 1);
    CHECK(stops.front().unit == b.unit);
    check_nothing_left(ocirt, b);
}

TEST_CASE("--systemd-cgroup (emulated systemd): a start job that does not end \"done\" fails create naming unit and result") {
    EmulatedSystemd systemd;
    Ocirt ocirt;
    SystemdBundle b(nlohmann::json::object());
    systemd.next_start_result("failed");
    auto created = b.create(ocirt);
    CHECK(created.exit_code == 1);
    CHECK_MESSAGE(created.err.find("systemd: StartTransientUnit \"" + b.unit + "\": the job ended \"failed\"") !=
                      std::string::npos,
                  created.err);
    CHECK(systemd.calls_of("StopUnit").size() == 1);
    check_nothing_left(ocirt, b);
}

TEST_CASE("--systemd-cgroup (emulated systemd): a left-over unit is reset and started again; a refusal names the D-Bus error") {
    EmulatedSystemd systemd;
    Ocirt ocirt;
    SystemdBundle left_over(nlohmann::json::object());
    systemd.refuse_next_start("org.freedesktop.systemd1.UnitExists");
    auto created = left_over.create(ocirt);
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    CHECK(systemd.calls_of("StartTransientUnit").size() == 2);
    auto deleted = ocirt({"delete", "--force", left_over.id});
    CHECK_MESSAGE(deleted.exit_code == 0, deleted.err);
    check_nothing_left(ocirt, left_over);

    SystemdBundle refused(nlohmann::json::object());
    systemd.refuse_next_start("org.freedesktop.DBus.Error.AccessDenied");
    auto denied = refused.create(ocirt);
    CHECK(denied.exit_code == 1);
    CHECK_MESSAGE(denied.err.find("systemd: StartTransientUnit \"" + refused.unit +
                                  "\": org.freedesktop.DBus.Error.AccessDenied: Refused by the emulated systemd") !=
                      std::string::npos,
                  denied.err);
    check_nothing_left(ocirt, refused);
}

TEST_CASE("--systemd-cgroup (emulated systemd): pids.limit 0 is the kernel's limit 0 (systemd takes no TasksMax=0), -1 is max, no limit leaves it alone") {
    // config-linux.md 1.3 "pids": limit is OPTIONAL, -1 means max, and 0 is a real limit.
    struct Case {
        nlohmann::json pids;
        std::string tasks_max;  // "" when no TasksMax property is sent
        std::string file;
    };
    const Case cases[] = {
        {{{"limit", 0}}, "", "0"},
        {{{"limit", -1}}, "18446744073709551615", "max"},
        {nlohmann::json::object(), "", "max"},
    };
    auto hierarchy = ocirt::cgroups::Hierarchy::detect();
    for (const auto& c : cases) {
        CAPTURE(c.pids.dump());
        EmulatedSystemd systemd;
        Ocirt ocirt;
        SystemdBundle b(nlohmann::json{{"pids", c.pids}});
        auto created = b.create(ocirt);
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        auto starts = systemd.calls_of("StartTransientUnit");
        REQUIRE(starts.size() == 1);
        CHECK(starts.front().properties.count("TasksMax") == (c.tasks_max.empty() ? 0u : 1u));
        if (!c.tasks_max.empty()) CHECK(starts.front().properties["TasksMax"] == c.tasks_max);
        CHECK(trim(read_file(limit_file(hierarchy, b.cgroup, "pids", "pids.max", "pids.max"))) == c.file);
        CHECK(ocirt({"delete", "--force", b.id}).exit_code == 0);
        check_nothing_left(ocirt, b);
    }
}
