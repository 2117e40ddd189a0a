#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cgroups/resource_writes.hpp"
#include "cgroups/v2/resources.hpp"
#include "util/error.hpp"

using namespace ocirt::cgroups;
using ocirt::config::Resources;

namespace {

// "file=value" per write, in order.
std::vector<std::string> lines(const std::vector<FileWrite>& writes) {
    std::vector<std::string> out;
    for (const auto& w : writes) out.push_back(w.file + "=" + w.value);
    return out;
}

std::vector<std::string> lines_of(const Resources& r, const V2Files& files = {}) { return lines(v2_writes(r, files)); }

using Lines = std::vector<std::string>;

// The JSON pointer of the Error that v2_writes throws.
std::string error_pointer(const Resources& r, const V2Files& files = {}) {
    try {
        v2_writes(r, files);
    } catch (const ocirt::Error& e) {
        CHECK(e.full().find(e.json_pointer()) != std::string::npos);  // the message names the field too
        return e.json_pointer();
    }
    return "(no error)";
}

Resources with_memory(std::optional<int64_t> limit, std::optional<int64_t> swap) {
    Resources r;
    r.memory.emplace();
    r.memory->limit = limit;
    r.memory->swap = swap;
    return r;
}

}  // namespace

TEST_CASE("cgroups v2 resources: memory limit, reservation and -1 as max") {
    Resources r;
    r.memory.emplace();
    r.memory->limit = 100 << 20;
    r.memory->reservation = 50 << 20;
    CHECK(lines_of(r) == Lines{"memory.max=104857600", "memory.low=52428800"});
    r.memory->limit = -1;
    r.memory->reservation = -1;
    CHECK(lines_of(r) == Lines{"memory.swap.max=max", "memory.max=max", "memory.low=max"});
    r.memory->limit = 0;  // runc: 0 leaves the file alone
    r.memory->reservation.reset();
    CHECK(lines_of(r).empty());
    auto writes = v2_writes(with_memory(1 << 20, std::nullopt));
    REQUIRE(writes.size() == 1);
    CHECK(writes[0].pointer == "/linux/resources/memory/limit");
    CHECK(writes[0].group == Group::memory);
}

TEST_CASE("cgroups v2 resources: swap is memory+swap in the spec and swap alone in memory.swap.max") {
    CHECK(lines_of(with_memory(100, 300)) == Lines{"memory.swap.max=200", "memory.max=100"});
    CHECK(lines_of(with_memory(100, 100)) == Lines{"memory.swap.max=0", "memory.max=100"});
    CHECK(lines_of(with_memory(100, -1)) == Lines{"memory.swap.max=max", "memory.max=100"});
    CHECK(lines_of(with_memory(-1, 500)) == Lines{"memory.swap.max=500", "memory.max=max"});
    CHECK(lines_of(with_memory(-1, std::nullopt)) == Lines{"memory.swap.max=max", "memory.max=max"});
    CHECK(lines_of(with_memory(100, 0)) == Lines{"memory.max=100"});  // 0: unset
    CHECK(v2_writes(with_memory(100, 300))[0].pointer == "/linux/resources/memory/swap");
    CHECK(error_pointer(with_memory(std::nullopt, 300)) == "/linux/resources/memory/swap");
    CHECK(error_pointer(with_memory(300, 100)) == "/linux/resources/memory/swap");
}

TEST_CASE("cgroups v2 resources: without swap accounting, only no-swap and any-swap are accepted") {
    V2Files no_swap;
    no_swap.memory_swap = false;
    CHECK(lines_of(with_memory(100, 100), no_swap) == Lines{"memory.max=100"});
    CHECK(lines_of(with_memory(100, -1), no_swap) == Lines{"memory.max=100"});
    CHECK(error_pointer(with_memory(100, 300), no_swap) == "/linux/resources/memory/swap");
}

TEST_CASE("cgroups v2 resources: v1-only memory knobs are errors, kernel memory is ignored as runc does") {
    Resources r;
    r.memory.emplace();
    r.memory->kernel = 1 << 20;
    r.memory->kernelTCP = 1 << 20;
    r.memory->disableOOMKiller = false;
    r.memory->useHierarchy = true;
    r.memory->checkBeforeUpdate = true;
    CHECK(lines_of(r).empty());
    r.memory->swappiness = 10;
    CHECK(error_pointer(r) == "/linux/resources/memory/swappiness");
    r.memory->swappiness.reset();
    r.memory->disableOOMKiller = true;
    CHECK(error_pointer(r) == "/linux/resources/memory/disableOOMKiller");
    r.memory->disableOOMKiller.reset();
    r.memory->useHierarchy = false;
    CHECK(error_pointer(r) == "/linux/resources/memory/useHierarchy");
}

TEST_CASE("cgroups v2 resources: cpu shares become cpu.weight with runc's and crun's curve") {
    CHECK(cpu_weight_of_shares(0) == 0);
    CHECK(cpu_weight_of_shares(2) == 1);
    CHECK(cpu_weight_of_shares(1) == 1);
    CHECK(cpu_weight_of_shares(1024) == 100);
    CHECK(cpu_weight_of_shares(262144) == 10000);
    CHECK(cpu_weight_of_shares(1 << 20) == 10000);
    CHECK(cpu_weight_of_shares(512) == 59);    // ceil(10^((81 + 1125)/612 - 7/34)) = ceil(58.2)
    CHECK(cpu_weight_of_shares(2048) == 174);  // ceil(10^((121 + 1375)/612 - 7/34)) = ceil(173.2)
    Resources r;
    r.cpu.emplace();
    r.cpu->shares = 1024;
    CHECK(lines_of(r) == Lines{"cpu.weight=100"});
    r.cpu->shares = 0;
    CHECK(lines_of(r).empty());
}

TEST_CASE("cgroups v2 resources: quota and period become cpu.max, burst goes around it") {
    Resources r;
    r.cpu.emplace();
    r.cpu->quota = 20000;
    r.cpu->period = 100000;
    CHECK(lines_of(r) == Lines{"cpu.max=20000 100000"});
    r.cpu->period.reset();
    CHECK(lines_of(r) == Lines{"cpu.max=20000 100000"});  // the kernel's default period, as runc and crun
    r.cpu->quota = -1;
    r.cpu->period = 50000;
    CHECK(lines_of(r) == Lines{"cpu.max=max 50000"});
    CHECK(v2_writes(r)[0].pointer == "/linux/resources/cpu/quota");
    r.cpu->quota.reset();
    CHECK(lines_of(r) == Lines{"cpu.max=max 50000"});
    CHECK(v2_writes(r)[0].pointer == "/linux/resources/cpu/period");
    r.cpu->quota = 30000;
    r.cpu->burst = 10000;
    CHECK(lines_of(r) == Lines{"cpu.max.burst=0", "cpu.max=30000 50000", "cpu.max.burst=10000"});
    r.cpu->quota.reset();
    r.cpu->period.reset();
    CHECK(lines_of(r) == Lines{"cpu.max.burst=10000"});
    r.cpu->idle = 1;
    r.cpu->burst.reset();
    CHECK(lines_of(r) == Lines{"cpu.idle=1"});
}

TEST_CASE("cgroups v2 resources: realtime cpu is an error on v2") {
    Resources r;
    r.cpu.emplace();
    r.cpu->realtimeRuntime = 0;
    r.cpu->realtimePeriod = 0;
    CHECK(lines_of(r).empty());
    r.cpu->realtimeRuntime = 950000;
    CHECK(error_pointer(r) == "/linux/resources/cpu/realtimeRuntime");
    r.cpu->realtimeRuntime.reset();
    r.cpu->realtimePeriod = 1000000;
    CHECK(error_pointer(r) == "/linux/resources/cpu/realtimePeriod");
}

TEST_CASE("cgroups v2 resources: cpuset cpus and mems") {
    Resources r;
    r.cpu.emplace();
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    auto writes = v2_writes(r);
    CHECK(lines(writes) == Lines{"cpuset.cpus=0-1", "cpuset.mems=0"});
    CHECK(writes[0].group == Group::cpuset);
    CHECK(writes[1].pointer == "/linux/resources/cpu/mems");
}

TEST_CASE("cgroups v2 resources: pids.max, -1 is max and 0 is a limit") {
    Resources r;
    r.pids.emplace();
    r.pids->limit = 32;
    CHECK(lines_of(r) == Lines{"pids.max=32"});
    r.pids->limit = -1;
    CHECK(lines_of(r) == Lines{"pids.max=max"});
    r.pids->limit = 0;
    CHECK(lines_of(r) == Lines{"pids.max=0"});
    r.pids->limit.reset();
    CHECK(lines_of(r).empty());
}

TEST_CASE("cgroups v2 resources: blkio weight goes to io.bfq.weight as is, or to io.weight converted") {
    CHECK(io_weight_of_blkio_weight(10) == 1);
    CHECK(io_weight_of_blkio_weight(500) == 4950);
    CHECK(io_weight_of_blkio_weight(1000) == 10000);
    Resources r;
    r.blockIO.emplace();
    r.blockIO->weight = 500;
    r.blockIO->weightDevice.push_back({8, 0, 300, std::nullopt});
    r.blockIO->weightDevice.push_back({8, 16, std::nullopt, std::nullopt});
    V2Files bfq;
    bfq.bfq_weight = true;
    CHECK(lines_of(r, bfq) == Lines{"io.bfq.weight=500", "io.bfq.weight=8:0 300"});
    CHECK(lines_of(r) == Lines{"io.weight=4950", "io.weight=8:0 2930"});
    CHECK(v2_writes(r)[1].pointer == "/linux/resources/blockIO/weightDevice/0/weight");
}

TEST_CASE("cgroups v2 resources: blkio leaf weights are errors") {
    Resources r;
    r.blockIO.emplace();
    r.blockIO->leafWeight = 300;
    CHECK(error_pointer(r) == "/linux/resources/blockIO/leafWeight");
    r.blockIO->leafWeight.reset();
    r.blockIO->weightDevice.push_back({8, 0, 100, 200});
    CHECK(error_pointer(r) == "/linux/resources/blockIO/weightDevice/0/leafWeight");
}

TEST_CASE("cgroups v2 resources: throttles become io.max keys, 0 (no limit in v1) becomes max") {
    Resources r;
    r.blockIO.emplace();
    r.blockIO->throttleReadBpsDevice = {{8, 0, 1048576}, {8, 16, 0}};
    r.blockIO->throttleWriteBpsDevice = {{8, 0, 2097152}};
    r.blockIO->throttleReadIOPSDevice = {{8, 0, 100}};
    r.blockIO->throttleWriteIOPSDevice = {{253, 1, 200}};
    auto writes = v2_writes(r);
    CHECK(lines(writes) == Lines{"io.max=8:0 rbps=1048576", "io.max=8:16 rbps=max", "io.max=8:0 wbps=2097152",
                                 "io.max=8:0 riops=100", "io.max=253:1 wiops=200"});
    CHECK(writes[1].pointer == "/linux/resources/blockIO/throttleReadBpsDevice/1");
    CHECK(writes[4].pointer == "/linux/resources/blockIO/throttleWriteIOPSDevice/0");
    CHECK(writes[4].group == Group::blkio);
}

TEST_CASE("cgroups v2 resources: hugetlb limits, with the reservation limit where the kernel has it") {
    Resources r;
    r.hugepageLimits = {{"2MB", 4194304}, {"1GB", 0}};
    CHECK(lines_of(r) == Lines{"hugetlb.2MB.max=4194304", "hugetlb.2MB.rsvd.max=4194304", "hugetlb.1GB.max=0",
                               "hugetlb.1GB.rsvd.max=0"});
    V2Files old_kernel;
    old_kernel.hugetlb_rsvd = false;
    auto writes = v2_writes(r, old_kernel);
    CHECK(lines(writes) == Lines{"hugetlb.2MB.max=4194304", "hugetlb.1GB.max=0"});
    CHECK(writes[1].pointer == "/linux/resources/hugepageLimits/1/limit");
    r.hugepageLimits = {{"../x", 1}};
    CHECK(error_pointer(r) == "/linux/resources/hugepageLimits/0/pageSize");
}

TEST_CASE("cgroups v2 resources: rdma.max per device") {
    Resources r;
    r.rdma["mlx5_1"] = {3, std::nullopt};
    r.rdma["mlx4_0"] = {2, 2000};
    r.rdma["hfi1"] = {std::nullopt, std::nullopt};
    auto writes = v2_writes(r);
    CHECK(lines(writes) == Lines{"rdma.max=mlx4_0 hca_handle=2 hca_object=2000", "rdma.max=mlx5_1 hca_handle=3"});
    CHECK(writes[0].pointer == "/linux/resources/rdma/mlx4_0");
    r.rdma.clear();
    r.rdma["bad name"] = {1, 1};
    CHECK(error_pointer(r) == "/linux/resources/rdma/bad name");
    r.rdma.clear();
    r.rdma["a/b"] = {1, 1};
    CHECK(lines_of(r) == Lines{"rdma.max=a/b hca_handle=1 hca_object=1"});
    CHECK(v2_writes(r)[0].pointer == "/linux/resources/rdma/a~1b");
}

TEST_CASE("cgroups v2 resources: network classID and priorities are errors (no controller on v2)") {
    Resources r;
    r.network.emplace();
    r.network->classID = 0x100001;
    CHECK(error_pointer(r) == "/linux/resources/network/classID");
    r.network->classID.reset();
    r.network->priorities = {{"eth0", 5}};
    CHECK(error_pointer(r) == "/linux/resources/network/priorities");
}

TEST_CASE("cgroups v2 resources: unified keys pass through, a line per write, after the typed ones") {
    Resources r;
    r.pids.emplace();
    r.pids->limit = 10;
    r.unified["memory.high"] = "1073741824";
    r.unified["io.max"] = "8:0 rbps=1\n8:16 wbps=2\n";
    r.unified["cgroup.max.depth"] = "";
    auto writes = v2_writes(r);
    CHECK(lines(writes) == Lines{"pids.max=10", "cgroup.max.depth=", "io.max=8:0 rbps=1", "io.max=8:16 wbps=2",
                                 "memory.high=1073741824"});
    CHECK(writes[4].pointer == "/linux/resources/unified/memory.high");
    CHECK(writes[4].group == Group::unified);
}

TEST_CASE("cgroups v2 resources: unified keys must be file names of the cgroup") {
    for (const char* key : {"../../etc/passwd", "memory/high", "nodot", "", ".."}) {
        Resources r;
        r.unified[key] = "1";
        CHECK(error_pointer(r).starts_with("/linux/resources/unified/"));
    }
    Resources r;
    r.unified["a/b.c"] = "1";
    CHECK(error_pointer(r) == "/linux/resources/unified/a~1b.c");
}

TEST_CASE("cgroups v2 resources: devices are not files on v2, and an empty config writes nothing") {
    Resources r;
    r.devices.push_back({false, std::nullopt, std::nullopt, std::nullopt, std::string("rwm")});
    CHECK(v2_writes(r).empty());
    CHECK(v2_writes(Resources{}).empty());
}
