// The stats readers and runc's stats JSON against temp trees laid out like the kernel's cgroup files.
#include <doctest/doctest.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cgroup_records.hpp"
#include "cgroups/oom_watch.hpp"
#include "cgroups/stats.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;
using nlohmann::json;

namespace {

struct Dir : ocirt::unit_test::TempTree {
    Dir() : TempTree("ocirt-stats-emulated") {}
};

bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 1000) == 1;
}

}  // namespace

TEST_CASE("stats emulated v2: cpu.stat microseconds become nanoseconds, throttling is counted") {
    Dir d;
    d.file("cpu.stat",
           "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\nnr_throttled 2\nthrottled_usec 30\n");
    Stats s;
    read_v2_cpu(d.path, s);
    CHECK(s.cpu.total == 1500000);
    CHECK(s.cpu.user == 1000000);
    CHECK(s.cpu.kernel == 500000);
    CHECK(s.cpu.periods == 7);
    CHECK(s.cpu.throttled_periods == 2);
    CHECK(s.cpu.throttled_time == 30000);
}

TEST_CASE("stats emulated v2: memory usage, limit, peak, raw stat, cache from file, swap summed like v1's memsw") {
    Dir d;
    d.file("memory.current", "4096\n");
    d.file("memory.max", "1048576\n");
    d.file("memory.peak", "8192\n");
    d.file("memory.stat", "anon 100\nfile 300\nkernel 20\n");
    d.file("memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    d.file("memory.swap.current", "1000\n");
    d.file("memory.swap.max", "max\n");
    Stats s;
    read_v2_memory(d.path, s);
    CHECK(s.memory.usage.usage == 4096);
    CHECK(s.memory.usage.limit == 1048576);
    CHECK(s.memory.usage.max == 8192);
    CHECK(s.memory.usage.failcnt == 4);
    CHECK(s.memory.cache == 300);
    CHECK(s.memory.raw == std::map<std::string, uint64_t>{{"anon", 100}, {"file", 300}, {"kernel", 20}});
    CHECK(s.memory.swap.usage == 5096);
    CHECK(s.memory.swap.limit == UINT64_MAX);

    d.file("memory.swap.max", "2000\n");
    read_v2_memory(d.path, s);
    CHECK(s.memory.swap.limit == 1050576);
}

TEST_CASE("stats emulated v2: pids \"max\" is no limit, io.stat maps to runc's blkio entries") {
    Dir d;
    d.file("pids.current", "3\n");
    d.file("pids.max", "max\n");
    d.file("io.stat",
           "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=5 wbytes=0 rios=1 wios=0\n");
    Stats s;
    read_v2_pids(d.path, s);
    CHECK(s.pids.current == 3);
    CHECK(s.pids.limit == 0);
    d.file("pids.max", "64\n");
    read_v2_pids(d.path, s);
    CHECK(s.pids.limit == 64);

    read_v2_io(d.path, s);
    const auto& bytes = s.blkio.recursive.at("ioServiceBytesRecursive");
    REQUIRE(bytes.size() == 5);
    CHECK(bytes[0].major == 8);
    CHECK(bytes[0].op == "Read");
    CHECK(bytes[0].value == 4096);
    CHECK(bytes[1].op == "Write");
    CHECK(bytes[1].value == 8192);
    CHECK(bytes[3].major == 253);
    CHECK(bytes[3].minor == 1);
    CHECK(s.blkio.recursive.at("ioServicedRecursive").size() == 5);
}

TEST_CASE("stats emulated v2: hugetlb per page size from .current/.max/.events, rsvd files ignored") {
    Dir d;
    d.file("hugetlb.2MB.current", "2097152\n");
    d.file("hugetlb.2MB.max", "max\n");
    d.file("hugetlb.2MB.events", "max 3\n");
    d.file("hugetlb.2MB.rsvd.current", "0\n");
    d.file("hugetlb.1GB.current", "0\n");
    d.file("hugetlb.1GB.max", "1073741824\n");
    Stats s;
    read_v2_hugetlb(d.path, s);
    REQUIRE(s.hugetlb.size() == 2);
    CHECK(s.hugetlb.at("2MB").usage == 2097152);
    CHECK(s.hugetlb.at("2MB").max == UINT64_MAX);
    CHECK(s.hugetlb.at("2MB").failcnt == 3);
    CHECK(s.hugetlb.at("1GB").max == 1073741824);
}

TEST_CASE("stats emulated v1: cpuacct ticks, per-cpu usage, memsw as swap, blkio BFQ before throttle, hugetlb") {
    Dir d;
    d.file("cpuacct.usage", "123456789\n");
    d.file("cpuacct.usage_percpu", "100 200 \n");
    d.file("cpuacct.usage_all", "cpu user system\n0 60 40\n1 150 50\n");
    d.file("cpuacct.stat", "user 3\nsystem 1\n");
    d.file("memory.usage_in_bytes", "65536\n");
    d.file("memory.limit_in_bytes", "1048576\n");
    d.file("memory.memsw.usage_in_bytes", "70000\n");
    d.file("memory.stat", "cache 10\nrss 20\ntotal_cache 30\n");
    d.file("blkio.throttle.io_service_bytes_recursive", "8:0 Read 1\nTotal 1\n");
    d.file("blkio.bfq.io_serviced_recursive", "8:0 Read 2\n8:0 Write 3\nTotal 5\n");
    d.file("blkio.bfq.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
    d.file("hugetlb.2MB.usage_in_bytes", "0\n");
    d.file("hugetlb.2MB.failcnt", "1\n");
    Stats s;
    read_v1_cpuacct(d.path, s);
    read_v1_memory(d.path, s);
    read_v1_blkio(d.path, s);
    read_v1_hugetlb(d.path, s);
    long hz = ::sysconf(_SC_CLK_TCK);
    CHECK(s.cpu.total == 123456789);
    CHECK(s.cpu.percpu == std::vector<uint64_t>{100, 200});
    CHECK(s.cpu.percpu_user == std::vector<uint64_t>{60, 150});
    CHECK(s.cpu.percpu_kernel == std::vector<uint64_t>{40, 50});
    CHECK(s.cpu.user == 3 * 1000000000ull / static_cast<uint64_t>(hz));
    CHECK(s.cpu.kernel == 1000000000ull / static_cast<uint64_t>(hz));
    CHECK(s.memory.usage.usage == 65536);
    CHECK(s.memory.usage.limit == 1048576);
    CHECK(s.memory.swap.usage == 70000);
    CHECK(s.memory.cache == 30);
    CHECK(s.blkio.recursive.at("ioServicedRecursive").size() == 2);
    CHECK(s.blkio.recursive.at("ioServiceBytesRecursive").front().value == 4096);
    CHECK(s.hugetlb.at("2MB").failcnt == 1);
}

TEST_CASE("stats emulated: runc's JSON names, with omitempty dropping zero numbers and empty lists") {
    Stats s;
    s.cpu.total = 5;
    s.cpu.percpu = {5};
    s.memory.usage.usage = 7;
    s.memory.usage.limit = 9;
    s.pids.current = 2;
    s.blkio.recursive["ioServicedRecursive"].push_back({8, 0, "Read", 1});
    s.hugetlb["2MB"] = {};
    json j = stats_json(s);
    CHECK(j["cpu"]["usage"] == json{{"total", 5}, {"percpu", {5}}, {"kernel", 0}, {"user", 0}});
    CHECK(j["cpu"]["throttling"] == json::object());
    CHECK(j["memory"]["usage"] == json{{"usage", 7}, {"limit", 9}, {"failcnt", 0}});
    CHECK(j["memory"]["swap"] == json{{"limit", 0}, {"failcnt", 0}});
    CHECK_FALSE(j["memory"].contains("raw"));
    CHECK_FALSE(j["memory"].contains("cache"));
    CHECK(j["pids"] == json{{"current", 2}});
    CHECK(j["blkio"] == json{{"ioServicedRecursive", {{{"major", 8}, {"op", "Read"}, {"value", 1}}}}});
    CHECK(j["hugetlb"] == json{{"2MB", {{"failcnt", 0}}}});
}

TEST_CASE("stats emulated v2: the v2 driver's stats reads a cgroup2-only host's files from the container's cgroup") {
    Dir d;
    std::string mountinfo = "40 30 0:37 / " + d.path + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
    auto hierarchy = Hierarchy::parse(mountinfo, "0::/\n", d.path);
    auto manager = ocirt::unit_test::open_legacy_cgroup("/box", hierarchy);
    d.file("box/cpu.stat", "usage_usec 2\nuser_usec 1\nsystem_usec 1\n");
    d.file("box/memory.current", "4096\n");
    d.file("box/pids.current", "1\n");
    d.file("box/pids.max", "10\n");
    Stats s = manager->stats();
    CHECK(s.cpu.total == 2000);
    CHECK(s.memory.usage.usage == 4096);
    CHECK(s.pids.current == 1);
    CHECK(s.pids.limit == 10);
    CHECK(s.blkio.recursive.empty());
}

TEST_CASE("oom watch emulated v2: a growing oom_kill in memory.events wakes the fd and counts the new kills") {
    Dir d;
    d.file("memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 1\n");
    OomWatch watch = OomWatch::open_v2(d.path);
    d.file("memory.events", "low 0\nhigh 0\nmax 3\noom 2\noom_kill 3\n");
    REQUIRE(readable(watch.fd()));
    CHECK(watch.take() == 2);
    d.file("memory.events", "low 0\nhigh 1\nmax 3\noom 2\noom_kill 3\n");
    REQUIRE(readable(watch.fd()));
    CHECK(watch.take() == 0);
}
