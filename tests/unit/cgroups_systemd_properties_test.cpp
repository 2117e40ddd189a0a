// What the systemd cgroup driver sends with StartTransientUnit for a given linux.resources.
#include <doctest/doctest.h>

#include <map>

#include "cgroups/systemd/properties.hpp"
#include "util/error.hpp"

using namespace ocirt::cgroups;
using ocirt::config::Resources;

namespace {

std::map<std::string, PropertyValue> by_name(const std::vector<UnitProperty>& properties) {
    std::map<std::string, PropertyValue> out;
    for (const auto& p : properties) {
        CHECK_MESSAGE(out.count(p.name) == 0, "sent twice: " << p.name);
        out[p.name] = p.value;
    }
    return out;
}

SystemdCgroup scope() { return parse_systemd_cgroup(std::string("machine.slice:ocirt:c1"), "c1"); }

template <class T>
T value_of(const std::map<std::string, PropertyValue>& props, const std::string& name) {
    auto it = props.find(name);
    REQUIRE_MESSAGE(it != props.end(), "missing " << name);
    REQUIRE_MESSAGE(std::holds_alternative<T>(it->second), "wrong D-Bus type for " << name);
    return std::get<T>(it->second);
}

}  // namespace

TEST_CASE("systemd properties: a scope without resources names its slice, its pid, delegation and accounting") {
    auto props = by_name(transient_unit_properties(scope(), "c1", 4321, Resources{}, Hierarchy::Mode::hybrid));
    CHECK(value_of<std::string>(props, "Description") == "ocirt container c1");
    CHECK(value_of<std::string>(props, "Slice") == "machine.slice");
    CHECK(value_of<std::vector<uint32_t>>(props, "PIDs") == std::vector<uint32_t>{4321});
    CHECK(value_of<bool>(props, "Delegate"));
    CHECK_FALSE(value_of<bool>(props, "DefaultDependencies"));
    for (const char* accounting : {"MemoryAccounting", "CPUAccounting", "BlockIOAccounting", "TasksAccounting"})
        CHECK(value_of<bool>(props, accounting));
    CHECK(props.size() == 9);
}

TEST_CASE("systemd properties: a .slice unit is started with Wants= its parent, no PIDs and no delegation") {
    auto unit = parse_systemd_cgroup(std::string("machine.slice:ignored:pod7.slice"), "c1");
    auto props = by_name(transient_unit_properties(unit, "c1", 4321, Resources{}, Hierarchy::Mode::v1));
    CHECK(value_of<std::vector<std::string>>(props, "Wants") == std::vector<std::string>{"machine.slice"});
    CHECK(props.count("Slice") == 0);
    CHECK(props.count("PIDs") == 0);
    CHECK(props.count("Delegate") == 0);
}

TEST_CASE("systemd properties: v1 names for memory, cpu, blkio and pids, with runc's quota rounding") {
    Resources r;
    r.memory = ocirt::config::Memory{};
    r.memory->limit = 64 << 20;
    r.memory->reservation = 32 << 20;
    r.cpu = ocirt::config::Cpu{};
    r.cpu->shares = 512;
    r.cpu->quota = 33333;
    r.cpu->period = 100000;
    r.cpu->cpus = "0-1,9";
    r.cpu->mems = "0";
    r.blockIO = ocirt::config::BlockIO{};
    r.blockIO->weight = 300;
    r.pids = ocirt::config::Pids{42};
    auto props = by_name(transient_unit_properties(scope(), "c1", 1, r, Hierarchy::Mode::hybrid));
    CHECK(value_of<uint64_t>(props, "MemoryLimit") == 64u << 20);
    CHECK(value_of<uint64_t>(props, "CPUShares") == 512);
    CHECK(value_of<uint64_t>(props, "CPUQuotaPeriodUSec") == 100000);
    // 33.333% of a CPU is 333330 us per second, rounded up to a whole 10 ms: 340000.
    CHECK(value_of<uint64_t>(props, "CPUQuotaPerSecUSec") == 340000);
    CHECK(value_of<uint64_t>(props, "BlockIOWeight") == 300);
    CHECK(value_of<uint64_t>(props, "TasksMax") == 42);
    CHECK(value_of<std::vector<uint8_t>>(props, "AllowedCPUs") == std::vector<uint8_t>{0x03, 0x02});
    CHECK(value_of<std::vector<uint8_t>>(props, "AllowedMemoryNodes") == std::vector<uint8_t>{0x01});
    for (const char* v2_name : {"MemoryMax", "MemoryLow", "CPUWeight", "IOAccounting"}) CHECK(props.count(v2_name) == 0);
}

TEST_CASE("systemd properties: v2 names, shares converted to a weight, swap sent alone, -1 as infinity") {
    Resources r;
    r.memory = ocirt::config::Memory{};
    r.memory->limit = 100 << 20;
    r.memory->reservation = 50 << 20;
    r.memory->swap = 300 << 20;
    r.cpu = ocirt::config::Cpu{};
    r.cpu->shares = 1024;
    r.cpu->quota = -1;
    r.pids = ocirt::config::Pids{-1};
    auto props = by_name(transient_unit_properties(scope(), "c1", 1, r, Hierarchy::Mode::v2));
    CHECK(value_of<uint64_t>(props, "MemoryMax") == 100u << 20);
    CHECK(value_of<uint64_t>(props, "MemoryLow") == 50u << 20);
    CHECK(value_of<uint64_t>(props, "MemorySwapMax") == 200u << 20);
    CHECK(value_of<uint64_t>(props, "CPUWeight") == 100);
    CHECK(value_of<uint64_t>(props, "CPUQuotaPerSecUSec") == kSystemdInfinity);
    CHECK(props.count("CPUQuotaPeriodUSec") == 0);
    CHECK(value_of<uint64_t>(props, "TasksMax") == kSystemdInfinity);
    CHECK(value_of<bool>(props, "IOAccounting"));
    CHECK(props.count("MemoryLimit") == 0);
    CHECK(props.count("BlockIOAccounting") == 0);

    r.memory->limit = -1;
    r.memory->swap.reset();
    props = by_name(transient_unit_properties(scope(), "c1", 1, r, Hierarchy::Mode::v2));
    CHECK(value_of<uint64_t>(props, "MemoryMax") == kSystemdInfinity);
    CHECK(value_of<uint64_t>(props, "MemorySwapMax") == kSystemdInfinity);
}

TEST_CASE("systemd properties: a quota without a period uses the kernel's 100 ms; zero values are not sent") {
    Resources r;
    r.cpu = ocirt::config::Cpu{};
    r.cpu->quota = 50000;
    r.cpu->shares = 0;
    r.memory = ocirt::config::Memory{};
    r.memory->limit = 0;
    r.pids = ocirt::config::Pids{0};
    auto props = by_name(transient_unit_properties(scope(), "c1", 1, r, Hierarchy::Mode::v1));
    CHECK(value_of<uint64_t>(props, "CPUQuotaPerSecUSec") == 500000);
    for (const char* unsent : {"CPUQuotaPeriodUSec", "CPUShares", "MemoryLimit", "TasksMax"}) CHECK(props.count(unsent) == 0);
}

TEST_CASE("systemd properties: a cpu list that is not one is an error naming its pointer") {
    CHECK(cpu_list_bitmask("3", "/p") == std::vector<uint8_t>{0x08});
    CHECK(cpu_list_bitmask("0-8", "/p") == std::vector<uint8_t>{0xff, 0x01});
    // The kernel's cpuset files (and runc) take blanks around and empty elements between the items.
    CHECK(cpu_list_bitmask("1,,2, 3 ", "/p") == std::vector<uint8_t>{0x0e});
    for (const char* bad : {"a", "1-", "3-1", ",", "1 2", "99999"}) {
        try {
            cpu_list_bitmask(bad, "/linux/resources/cpu/cpus");
            FAIL("accepted " << bad);
        } catch (const ocirt::Error& e) {
            CHECK(e.json_pointer() == "/linux/resources/cpu/cpus");
        }
    }
    try {
        cpu_list_bitmask("0,99999", "/linux/resources/cpu/cpus");
        FAIL("accepted 99999");
    } catch (const ocirt::Error& e) {
        CHECK(std::string(e.what()).find("99999 is above the highest CPU or memory node") != std::string::npos);
    }
}

TEST_CASE("systemd properties: an update sends only the limits systemd knows, nothing for the rest") {
    Resources r;
    r.pids = ocirt::config::Pids{50};
    r.memory = ocirt::config::Memory{};
    r.memory->swappiness = 10;
    auto props = resource_properties(r, Hierarchy::Mode::hybrid);
    REQUIRE(props.size() == 1);
    CHECK(props.front() == UnitProperty{"TasksMax", uint64_t{50}});
    r.pids.reset();
    CHECK(resource_properties(r, Hierarchy::Mode::hybrid).empty());
}

TEST_CASE("systemd properties: on v2 the unified files systemd has a property for are sent as that property, overriding the spec's") {
    Resources r;
    r.memory = ocirt::config::Memory{};
    r.memory->limit = 64 << 20;
    r.unified = {{"memory.high", "50331648"}, {"memory.max", "max"}, {"memory.min", " 4096\n"},
                 {"memory.low", "1"},         {"memory.swap.max", "0"}, {"pids.max", "0"},
                 {"cpu.weight", "10001"},     {"cpuset.cpus", "1"},   {"cpuset.mems", "0"},
                 {"cpu.max", "20000 50000"},  {"io.weight", "default 200"}, {"cpu.idle", "1"}};
    auto props = by_name(resource_properties(r, Hierarchy::Mode::v2));
    CHECK(value_of<uint64_t>(props, "MemoryHigh") == 50331648);
    CHECK(value_of<uint64_t>(props, "MemoryMax") == kSystemdInfinity);  // the unified file, not the limit
    CHECK(value_of<uint64_t>(props, "MemoryMin") == 4096);
    CHECK(value_of<uint64_t>(props, "MemoryLow") == 1);
    CHECK(value_of<uint64_t>(props, "MemorySwapMax") == 0);
    CHECK(props.count("TasksMax") == 0);  // systemd refuses 0; the file still gets it
    CHECK(value_of<uint64_t>(props, "CPUWeight") == 10001);  // systemd's range check, not ours
    CHECK(value_of<std::vector<uint8_t>>(props, "AllowedCPUs") == std::vector<uint8_t>{0x02});
    CHECK(value_of<std::vector<uint8_t>>(props, "AllowedMemoryNodes") == std::vector<uint8_t>{0x01});
    CHECK(value_of<uint64_t>(props, "CPUQuotaPerSecUSec") == 400000);
    CHECK(value_of<uint64_t>(props, "CPUQuotaPeriodUSec") == 50000);
    CHECK(props.size() == 10);

    r.unified = {{"cpu.max", "max"}, {"pids.max", "max"}};
    props = by_name(resource_properties(r, Hierarchy::Mode::v2));
    CHECK(value_of<uint64_t>(props, "CPUQuotaPerSecUSec") == kSystemdInfinity);
    CHECK(value_of<uint64_t>(props, "CPUQuotaPeriodUSec") == 100000);
    CHECK(value_of<uint64_t>(props, "TasksMax") == kSystemdInfinity);
    // v1 and hybrid hosts have no unified files in the unit's properties (runc: v2 only).
    CHECK(by_name(resource_properties(r, Hierarchy::Mode::hybrid)).count("TasksMax") == 0);
}

TEST_CASE("systemd properties: a unified value systemd's property cannot take is an error naming its key") {
    for (const auto& [key, value] : std::map<std::string, std::string>{
             {"memory.high", "lots"}, {"cpu.weight", "max"}, {"cpu.max", "1 2 3"}, {"cpuset.cpus", "x"}}) {
        CAPTURE(key);
        Resources r;
        r.unified = {{key, value}};
        try {
            resource_properties(r, Hierarchy::Mode::v2);
            FAIL("accepted " << value);
        } catch (const ocirt::Error& e) {
            CHECK(e.json_pointer() == "/linux/resources/unified/" + key);
        }
    }
}

TEST_CASE("systemd properties: the quota written to the files is the one systemd keeps, rounded up to a whole percent") {
    Resources r;
    r.cpu = ocirt::config::Cpu{};
    r.cpu->quota = 33333;
    r.cpu->period = 100000;
    CHECK(with_systemd_cpu_quota(r).cpu->quota == 34000);
    r.cpu->period.reset();
    r.cpu->quota = 12345;
    CHECK(with_systemd_cpu_quota(r).cpu->quota == 13000);
    r.cpu->period = 50000;
    r.cpu->quota = 25000;  // 50 %: nothing to round
    CHECK(with_systemd_cpu_quota(r).cpu->quota == 25000);
    r.cpu->quota = -1;
    CHECK(with_systemd_cpu_quota(r).cpu->quota == -1);
    CHECK_FALSE(with_systemd_cpu_quota(Resources{}).cpu);
}
