#include <doctest/doctest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cgroups/drivers.hpp"
#include "cgroups/resource_writes.hpp"
#include "cgroups/v1/apply.hpp"
#include "cgroups/v1/devices.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;
using ocirt::config::Resources;

namespace {

// "file=value @pointer" per write of one group, so a whole mapping compares in one CHECK.
std::vector<std::string> lines(const std::vector<FileWrite>& writes, Group group) {
    std::vector<std::string> out;
    for (const auto& w : writes)
        if (w.group == group) out.push_back(w.file + "=" + w.value + " @" + w.pointer);
    return out;
}

const FileWrite& find(const std::vector<FileWrite>& writes, const std::string& file) {
    for (const auto& w : writes)
        if (w.file == file) return w;
    FAIL("no write to " << file);
    throw std::logic_error("unreachable");
}

ocirt::config::DeviceCgroupRule device_rule(bool allow, std::optional<std::string> type, std::optional<int64_t> major,
                                   std::optional<int64_t> minor, std::optional<std::string> access) {
    return {allow, std::move(type), major, minor, std::move(access)};
}

// A kernel stand-in: files that exist, what each write was, and an optional refusal rule.
struct FakeKernel {
    std::map<std::string, std::string> files;  // path → content
    std::vector<std::string> log;              // "file=value" in the order written
    std::function<int(const std::string& file, const std::string& value, FakeKernel&)> refuse;  // errno or 0

    V1Files view() {
        return {[this](const std::string& path) { return files.count(path) > 0; },
                [this](const std::string& path, const std::string& value) {
                    std::string file = fs::path(path).filename().string();
                    if (refuse)
                        if (int err = refuse(file, value, *this))
                            throw ocirt::SysError("write " + ocirt::quoted(value) + " to " + ocirt::quoted(path), err);
                    files[path] = value;
                    log.push_back(file + "=" + value);
                },
                [this](const std::string& path) { return files.at(path); }};
    }
    void touch(const std::string& dir, std::initializer_list<const char*> names) {
        for (const char* n : names) files[dir + "/" + n] = "";
    }
    long long value(const std::string& dir, const std::string& file) {
        const std::string& v = files.at(dir + "/" + file);
        return v == "-1" ? -1 : std::stoll(v);
    }
};

Resources memory_resources(std::optional<int64_t> limit, std::optional<int64_t> swap) {
    Resources r;
    r.memory.emplace();
    r.memory->limit = limit;
    r.memory->swap = swap;
    return r;
}

// The kernel's rule for v1 memory: memory.limit_in_bytes <= memory.memsw.limit_in_bytes, -1 unlimited.
int memsw_rule(const std::string& file, const std::string& value, FakeKernel& k) {
    auto as_limit = [](long long v) { return v == -1 ? INT64_MAX : v; };
    long long v = as_limit(std::stoll(value));
    if (file == "memory.limit_in_bytes" && v > as_limit(k.value("/m", "memory.memsw.limit_in_bytes"))) return EINVAL;
    if (file == "memory.memsw.limit_in_bytes" && v < as_limit(k.value("/m", "memory.limit_in_bytes"))) return EINVAL;
    return 0;
}

std::string v1_error_text(const std::function<void()>& f, ocirt::Error* out = nullptr) {
    try {
        f();
    } catch (const ocirt::Error& e) {
        if (out) *out = e;
        return e.full();
    }
    return "";
}

// A temp dir laid out like this host's v1 hierarchies: cpu and cpuacct mounted apart, blkio with only the
// BFQ and throttle files, no net_cls/net_prio/rdma/hugetlb on v1.
struct V1Tree : ocirt::unit_test::TempTree {
    const std::string& root = path;
    V1Tree() : TempTree("ocirt-cgroups-v1-emulated") {}
    Hierarchy hierarchy() const {
        std::string mounts;
        std::string self;
        int id = 40;
        for (const char* c : {"cpu", "cpuacct", "cpuset", "memory", "devices", "blkio", "pids"}) {
            fs::create_directories(root + "/" + c);
            mounts += std::to_string(id) + " 30 0:" + std::to_string(id) + " / " + root + "/" + c +
                      " rw,relatime - cgroup cgroup rw," + c + "\n";
            self += std::to_string(id) + ":" + c + ":/\n";
            ++id;
        }
        return Hierarchy::parse(mounts, self, root);
    }
    // Empty files, as if the kernel had made them in the container's cgroup "/c".
    void files(const std::string& controller, std::initializer_list<const char*> names) const {
        fs::create_directories(root + "/" + controller + "/c");
        for (const char* n : names) std::ofstream(root + "/" + controller + "/c/" + n);
    }
    std::string read(const std::string& controller, const std::string& file) const {
        return TempTree::read(controller + "/c/" + file);
    }
    bool exists(const std::string& controller, const std::string& file) const {
        return fs::exists(root + "/" + controller + "/c/" + file);
    }
};

}  // namespace

TEST_CASE("cgroups v1 writes: memory, every field, the limit retried after memsw, kernel left out") {
    Resources r;
    r.memory.emplace();
    auto& m = *r.memory;
    m.limit = 67108864;
    m.reservation = 33554432;
    m.swap = 134217728;
    m.kernel = 1048576;
    m.kernelTCP = 2097152;
    m.swappiness = 10;
    m.disableOOMKiller = true;
    m.useHierarchy = true;
    m.checkBeforeUpdate = true;
    auto writes = v1_writes(r);
    CHECK(lines(writes, Group::memory) ==
          std::vector<std::string>{"memory.limit_in_bytes=67108864 @/linux/resources/memory/limit",
                                   "memory.memsw.limit_in_bytes=134217728 @/linux/resources/memory/swap",
                                   "memory.soft_limit_in_bytes=33554432 @/linux/resources/memory/reservation",
                                   "memory.kmem.tcp.limit_in_bytes=2097152 @/linux/resources/memory/kernelTCP",
                                   "memory.swappiness=10 @/linux/resources/memory/swappiness",
                                   "memory.oom_control=1 @/linux/resources/memory/disableOOMKiller",
                                   "memory.use_hierarchy=1 @/linux/resources/memory/useHierarchy"});
    CHECK(find(writes, "memory.limit_in_bytes").retry_after == "memory.memsw.limit_in_bytes");
    CHECK_FALSE(find(writes, "memory.memsw.limit_in_bytes").skip_if_missing);
    CHECK(writes.size() == 7);  // nothing for kernel or checkBeforeUpdate

    m = {};
    m.disableOOMKiller = false;
    m.useHierarchy = false;
    CHECK(lines(v1_writes(r), Group::memory) ==
          std::vector<std::string>{"memory.oom_control=0 @/linux/resources/memory/disableOOMKiller",
                                   "memory.use_hierarchy=0 @/linux/resources/memory/useHierarchy"});
}

TEST_CASE("cgroups v1 writes: an unlimited memory limit without swap lifts memsw where it exists") {
    auto writes = v1_writes(memory_resources(-1, std::nullopt));
    CHECK(lines(writes, Group::memory) ==
          std::vector<std::string>{"memory.limit_in_bytes=-1 @/linux/resources/memory/limit",
                                   "memory.memsw.limit_in_bytes=-1 @/linux/resources/memory/limit"});
    CHECK(find(writes, "memory.memsw.limit_in_bytes").skip_if_missing);
    CHECK(find(writes, "memory.limit_in_bytes").retry_after == "memory.memsw.limit_in_bytes");
    CHECK(find(v1_writes(memory_resources(1000, std::nullopt)), "memory.limit_in_bytes").retry_after.empty());
    CHECK(lines(v1_writes(memory_resources(std::nullopt, -1)), Group::memory) ==
          std::vector<std::string>{"memory.memsw.limit_in_bytes=-1 @/linux/resources/memory/swap"});
    CHECK(lines(v1_writes(memory_resources(1000, std::nullopt)), Group::memory) ==
          std::vector<std::string>{"memory.limit_in_bytes=1000 @/linux/resources/memory/limit"});
}

TEST_CASE("cgroups v1 writes: cpu and cpuset, period and burst retried after the quota") {
    Resources r;
    r.cpu.emplace();
    auto& c = *r.cpu;
    c.shares = 512;
    c.quota = 20000;
    c.burst = 5000;
    c.period = 100000;
    c.realtimeRuntime = 950;
    c.realtimePeriod = 1000;
    c.cpus = "0-1";
    c.mems = "0";
    c.idle = 1;
    auto writes = v1_writes(r);
    CHECK(lines(writes, Group::cpu) ==
          std::vector<std::string>{
              "cpu.shares=512 @/linux/resources/cpu/shares", "cpu.cfs_period_us=100000 @/linux/resources/cpu/period",
              "cpu.cfs_burst_us=5000 @/linux/resources/cpu/burst", "cpu.cfs_quota_us=20000 @/linux/resources/cpu/quota",
              "cpu.rt_period_us=1000 @/linux/resources/cpu/realtimePeriod",
              "cpu.rt_runtime_us=950 @/linux/resources/cpu/realtimeRuntime", "cpu.idle=1 @/linux/resources/cpu/idle"});
    CHECK(lines(writes, Group::cpuset) == std::vector<std::string>{"cpuset.cpus=0-1 @/linux/resources/cpu/cpus",
                                                                   "cpuset.mems=0 @/linux/resources/cpu/mems"});
    CHECK(find(writes, "cpu.shares").read_back);
    CHECK(find(writes, "cpu.cfs_period_us").retry_after == "cpu.cfs_quota_us");
    CHECK(find(writes, "cpu.cfs_burst_us").retry_after == "cpu.cfs_quota_us");
    CHECK(find(writes, "cpu.rt_period_us").retry_after == "cpu.rt_runtime_us");

    c = {};
    c.period = 50000;
    c.realtimePeriod = 1000;
    writes = v1_writes(r);
    CHECK(find(writes, "cpu.cfs_period_us").retry_after.empty());  // nothing later to wait for
    CHECK(find(writes, "cpu.rt_period_us").retry_after.empty());
}

TEST_CASE("cgroups v1 writes: pids.limit, negative is max and 0 is a real limit") {
    Resources r;
    r.pids.emplace();
    for (auto [limit, written] :
         std::vector<std::pair<int64_t, std::string>>{{-1, "max"}, {-5, "max"}, {0, "0"}, {32, "32"}}) {
        r.pids->limit = limit;
        CHECK(lines(v1_writes(r), Group::pids) ==
              std::vector<std::string>{"pids.max=" + written + " @/linux/resources/pids/limit"});
    }
}

TEST_CASE("cgroups v1 writes: blockIO weights fall back to BFQ files, throttles per device") {
    ocirt::config::BlockIO b;
    b.weight = 300;
    b.leafWeight = 200;
    b.weightDevice = {{8, 0, 500, 400}, {8, 16, 600, std::nullopt}};
    b.throttleReadBpsDevice = {{8, 0, 1048576}};
    b.throttleWriteBpsDevice = {{8, 0, 2097152}};
    b.throttleReadIOPSDevice = {{8, 16, 100}};
    b.throttleWriteIOPSDevice = {{8, 16, 200}, {254, 0, 300}};
    Resources r;
    r.blockIO = b;
    auto writes = v1_writes(r);
    CHECK(lines(writes, Group::blkio) ==
          std::vector<std::string>{
              "blkio.weight=300 @/linux/resources/blockIO/weight",
              "blkio.leaf_weight=200 @/linux/resources/blockIO/leafWeight",
              "blkio.weight_device=8:0 500 @/linux/resources/blockIO/weightDevice/0/weight",
              "blkio.leaf_weight_device=8:0 400 @/linux/resources/blockIO/weightDevice/0/leafWeight",
              "blkio.weight_device=8:16 600 @/linux/resources/blockIO/weightDevice/1/weight",
              "blkio.throttle.read_bps_device=8:0 1048576 @/linux/resources/blockIO/throttleReadBpsDevice/0",
              "blkio.throttle.write_bps_device=8:0 2097152 @/linux/resources/blockIO/throttleWriteBpsDevice/0",
              "blkio.throttle.read_iops_device=8:16 100 @/linux/resources/blockIO/throttleReadIOPSDevice/0",
              "blkio.throttle.write_iops_device=8:16 200 @/linux/resources/blockIO/throttleWriteIOPSDevice/0",
              "blkio.throttle.write_iops_device=254:0 300 @/linux/resources/blockIO/throttleWriteIOPSDevice/1"});
    CHECK(find(writes, "blkio.weight").fallback == "blkio.bfq.weight");
    CHECK(find(writes, "blkio.weight_device").fallback == "blkio.bfq.weight_device");
    CHECK(find(writes, "blkio.leaf_weight").fallback.empty());  // CFQ only: no BFQ counterpart
}

TEST_CASE("cgroups v1 writes: hugetlb with optional reservations, net_cls, net_prio and rdma") {
    Resources r;
    r.hugepageLimits = {{"2MB", 209715200}, {"1GB", 1073741824}};
    r.network.emplace();
    r.network->classID = 1048577;
    r.network->priorities = {{"eth0", 500}, {"lo", 1000}};
    r.rdma["mlx5_1"] = {3, 10000};
    r.rdma["mlx4_0"] = {std::nullopt, 1000};
    r.rdma["odd/name"] = {7, std::nullopt};
    auto writes = v1_writes(r);
    CHECK(lines(writes, Group::hugetlb) ==
          std::vector<std::string>{"hugetlb.2MB.limit_in_bytes=209715200 @/linux/resources/hugepageLimits/0",
                                   "hugetlb.2MB.rsvd.limit_in_bytes=209715200 @/linux/resources/hugepageLimits/0",
                                   "hugetlb.1GB.limit_in_bytes=1073741824 @/linux/resources/hugepageLimits/1",
                                   "hugetlb.1GB.rsvd.limit_in_bytes=1073741824 @/linux/resources/hugepageLimits/1"});
    CHECK_FALSE(find(writes, "hugetlb.2MB.limit_in_bytes").skip_if_missing);
    CHECK(find(writes, "hugetlb.2MB.rsvd.limit_in_bytes").skip_if_missing);
    CHECK(lines(writes, Group::net_cls) ==
          std::vector<std::string>{"net_cls.classid=1048577 @/linux/resources/network/classID"});
    CHECK(lines(writes, Group::net_prio) ==
          std::vector<std::string>{"net_prio.ifpriomap=eth0 500 @/linux/resources/network/priorities/0",
                                   "net_prio.ifpriomap=lo 1000 @/linux/resources/network/priorities/1"});
    CHECK(lines(writes, Group::rdma) ==
          std::vector<std::string>{"rdma.max=mlx4_0 hca_object=1000 @/linux/resources/rdma/mlx4_0",
                                   "rdma.max=mlx5_1 hca_handle=3 hca_object=10000 @/linux/resources/rdma/mlx5_1",
                                   "rdma.max=odd/name hca_handle=7 @/linux/resources/rdma/odd~1name"});
}

TEST_CASE("cgroups v1 writes: everything denied first, then the device rules in order, with wildcards") {
    CHECK(v1_device_lines(device_rule(false, std::nullopt, std::nullopt, std::nullopt, "rwm")) ==
          std::vector<std::string>{"a"});
    CHECK(v1_device_lines(device_rule(true, "a", std::nullopt, std::nullopt, std::nullopt)) == std::vector<std::string>{"a"});
    CHECK(v1_device_lines(device_rule(false, std::nullopt, std::nullopt, std::nullopt, "m")) ==
          std::vector<std::string>{"c *:* m", "b *:* m"});
    CHECK(v1_device_lines(device_rule(false, "c", 1, 3, "rwm")) == std::vector<std::string>{"c 1:3 rwm"});
    CHECK(v1_device_lines(device_rule(true, "b", -1, 0, "r")) == std::vector<std::string>{"b *:0 r"});
    CHECK(v1_device_lines(device_rule(true, "c", 136, std::nullopt, "rw")) == std::vector<std::string>{"c 136:* rw"});
    CHECK(v1_device_lines(device_rule(true, "c", 10, 229, std::nullopt)) == std::vector<std::string>{"c 10:229 rwm"});

    Resources r;
    r.devices = {device_rule(false, std::nullopt, std::nullopt, std::nullopt, "rwm"), device_rule(true, "c", 10, 229, "rw"),
                 device_rule(false, "c", 1, 3, "rwm")};
    std::vector<std::string> expected = {"devices.deny=a @/linux/resources/devices",
                                         "devices.deny=a @/linux/resources/devices/0",
                                         "devices.allow=c 10:229 rw @/linux/resources/devices/1",
                                         "devices.deny=c 1:3 rwm @/linux/resources/devices/2"};
    CHECK(lines(v1_writes(r), Group::devices) == expected);
    CHECK(v1_writes(Resources{}).empty());
}

TEST_CASE("cgroups v1 apply emulated: raising memory and swap writes memsw first, lowering writes the limit first") {
    FakeKernel k;
    k.refuse = memsw_rule;
    k.files = {{"/m/memory.limit_in_bytes", "1000"}, {"/m/memory.memsw.limit_in_bytes", "2000"}};
    auto raise = v1_writes(memory_resources(5000, 8000));
    write_v1_group("/m", raise, Group::memory, k.view());
    CHECK(k.log == std::vector<std::string>{"memory.memsw.limit_in_bytes=8000", "memory.limit_in_bytes=5000"});

    k.log.clear();
    write_v1_group("/m", v1_writes(memory_resources(100, 200)), Group::memory, k.view());
    CHECK(k.log == std::vector<std::string>{"memory.limit_in_bytes=100", "memory.memsw.limit_in_bytes=200"});

    k.log.clear();
    write_v1_group("/m", v1_writes(memory_resources(-1, std::nullopt)), Group::memory, k.view());
    CHECK(k.log == std::vector<std::string>{"memory.memsw.limit_in_bytes=-1", "memory.limit_in_bytes=-1"});
}

TEST_CASE("cgroups v1 apply emulated: a swap below the limit is refused, naming the swap field") {
    FakeKernel k;
    k.refuse = memsw_rule;
    k.files = {{"/m/memory.limit_in_bytes", "-1"}, {"/m/memory.memsw.limit_in_bytes", "-1"}};
    ocirt::Error e("");
    auto text =
        v1_error_text([&] { write_v1_group("/m", v1_writes(memory_resources(5000, 4000)), Group::memory, k.view()); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/memory/swap");
    CHECK(e.errno_value() == EINVAL);
    CHECK(text.find("memory.memsw.limit_in_bytes") != std::string::npos);
    CHECK(text.find("Invalid argument") == text.rfind("Invalid argument"));  // the reason once, not twice
}

TEST_CASE("cgroups v1 apply emulated: a refused period waits for the quota; a refusal with nothing to wait for fails") {
    Resources r;
    r.cpu.emplace();
    r.cpu->period = 10000;
    r.cpu->quota = 5000;
    FakeKernel k;
    k.touch("/c", {"cpu.cfs_period_us", "cpu.cfs_quota_us"});
    k.files["/c/cpu.cfs_quota_us"] = "20000";  // the old quota does not fit the shorter period
    k.refuse = [](const std::string& file, const std::string& value, FakeKernel& kernel) {
        if (file == "cpu.cfs_period_us" && std::stoll(value) < kernel.value("/c", "cpu.cfs_quota_us")) return EINVAL;
        return 0;
    };
    write_v1_group("/c", v1_writes(r), Group::cpu, k.view());
    CHECK(k.log == std::vector<std::string>{"cpu.cfs_quota_us=5000", "cpu.cfs_period_us=10000"});

    r.cpu->quota.reset();
    k.files["/c/cpu.cfs_quota_us"] = "20000";
    ocirt::Error e("");
    v1_error_text([&] { write_v1_group("/c", v1_writes(r), Group::cpu, k.view()); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/cpu/period");
    CHECK(e.errno_value() == EINVAL);
}

TEST_CASE("cgroups v1 apply emulated: cpu.shares clamped by the kernel is an error, kept as written is fine") {
    Resources r;
    r.cpu.emplace();
    r.cpu->shares = 1000000;
    FakeKernel k;
    k.touch("/c", {"cpu.shares"});
    V1Files clamping = k.view();
    clamping.write = [&](const std::string& path, const std::string&) { k.files[path] = "262144\n"; };
    ocirt::Error e("");
    auto text = v1_error_text([&] { write_v1_group("/c", v1_writes(r), Group::cpu, clamping); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/cpu/shares");
    CHECK(text.find("262144 instead of 1000000") != std::string::npos);
    // The pointer leads the message once, not once per layer that knew it.
    CHECK(text.starts_with("/linux/resources/cpu/shares: the kernel set"));
    r.cpu->shares = 512;
    CHECK_NOTHROW(write_v1_group("/c", v1_writes(r), Group::cpu, k.view()));
}

TEST_CASE("cgroups v1 apply emulated: Manager::apply writes each group into its own hierarchy") {
    V1Tree t;
    auto h = t.hierarchy();
    t.files("memory", {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes",
                       "memory.kmem.tcp.limit_in_bytes", "memory.swappiness", "memory.oom_control"});
    t.files("cpu", {"cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.cfs_burst_us", "cpu.idle"});
    t.files("cpuset", {"cpuset.cpus", "cpuset.mems"});
    t.files("pids", {"pids.max"});
    t.files("devices", {"devices.allow", "devices.deny"});
    t.files("cpuacct", {});
    Resources r;
    r.memory.emplace();
    r.memory->limit = 67108864;
    r.memory->swap = 134217728;
    r.memory->reservation = 33554432;
    r.memory->kernelTCP = 4096000;
    r.memory->swappiness = 0;
    r.memory->disableOOMKiller = true;
    r.cpu.emplace();
    r.cpu->shares = 256;
    r.cpu->quota = 20000;
    r.cpu->period = 100000;
    r.cpu->burst = 1000;
    r.cpu->idle = 0;
    r.cpu->cpus = "0";
    r.cpu->mems = "0";
    r.pids.emplace();
    r.pids->limit = -1;
    r.devices = {device_rule(false, std::nullopt, std::nullopt, std::nullopt, "rwm"), device_rule(true, "c", 1, 3, "rw")};
    cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r);
    CHECK(t.read("memory", "memory.limit_in_bytes") == "67108864");
    CHECK(t.read("memory", "memory.memsw.limit_in_bytes") == "134217728");
    CHECK(t.read("memory", "memory.soft_limit_in_bytes") == "33554432");
    CHECK(t.read("memory", "memory.kmem.tcp.limit_in_bytes") == "4096000");
    CHECK(t.read("memory", "memory.swappiness") == "0");
    CHECK(t.read("memory", "memory.oom_control") == "1");
    CHECK(t.read("cpu", "cpu.shares") == "256");
    CHECK(t.read("cpu", "cpu.cfs_quota_us") == "20000");
    CHECK(t.read("cpu", "cpu.cfs_period_us") == "100000");
    CHECK(t.read("cpu", "cpu.cfs_burst_us") == "1000");
    CHECK(t.read("cpu", "cpu.idle") == "0");
    CHECK(t.read("cpuset", "cpuset.cpus") == "0");
    CHECK(t.read("cpuset", "cpuset.mems") == "0");
    CHECK(t.read("pids", "pids.max") == "max");
    CHECK(t.read("devices", "devices.deny") == "a");
    CHECK(t.read("devices", "devices.allow") == "c 1:3 rw");
    CHECK_FALSE(t.exists("cpuacct", "cpu.shares"));  // cpuacct is its own hierarchy here: nothing lands there
}

TEST_CASE("cgroups v1 apply emulated: blkio weights go to the BFQ files where the CFQ ones are absent") {
    ocirt::config::BlockIO b;
    b.weight = 500;
    b.weightDevice = {{7, 0, 300, std::nullopt}};
    b.throttleReadBpsDevice = {{7, 0, 1048576}};
    Resources r;
    r.blockIO = b;
    SUBCASE("BFQ only, as on this host") {
        V1Tree t;
        auto h = t.hierarchy();
        t.files("blkio", {"blkio.bfq.weight", "blkio.bfq.weight_device", "blkio.throttle.read_bps_device"});
        cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r);
        CHECK(t.read("blkio", "blkio.bfq.weight") == "500");
        CHECK(t.read("blkio", "blkio.bfq.weight_device") == "7:0 300");
        CHECK(t.read("blkio", "blkio.throttle.read_bps_device") == "7:0 1048576");
        CHECK_FALSE(t.exists("blkio", "blkio.weight"));
    }
    SUBCASE("CFQ files present: they are used and the BFQ ones left alone") {
        V1Tree t;
        auto h = t.hierarchy();
        t.files("blkio", {"blkio.weight", "blkio.weight_device", "blkio.bfq.weight", "blkio.bfq.weight_device",
                          "blkio.throttle.read_bps_device"});
        cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r);
        CHECK(t.read("blkio", "blkio.weight") == "500");
        CHECK(t.read("blkio", "blkio.weight_device") == "7:0 300");
        CHECK(t.read("blkio", "blkio.bfq.weight").empty());
        CHECK(t.read("blkio", "blkio.bfq.weight_device").empty());
    }
    SUBCASE("neither: an error naming both files") {
        V1Tree t;
        auto h = t.hierarchy();
        t.files("blkio", {"blkio.throttle.read_bps_device"});
        ocirt::Error e("");
        auto text = v1_error_text([&] { cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r); }, &e);
        CHECK(e.json_pointer() == "/linux/resources/blockIO/weight");
        CHECK(e.errno_value() == ENOENT);
        CHECK(text.find("\"blkio.weight\" nor \"blkio.bfq.weight\"") != std::string::npos);
    }
}

TEST_CASE("cgroups v1 apply emulated: a file the kernel lacks is an error with pointer, file and errno") {
    V1Tree t;
    auto h = t.hierarchy();
    t.files("cpu", {"cpu.shares"});
    t.files("blkio", {"blkio.bfq.weight"});
    Resources r;
    r.cpu.emplace();
    r.cpu->realtimeRuntime = 1000;
    ocirt::Error e("");
    auto text = v1_error_text([&] { cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/cpu/realtimeRuntime");
    CHECK(e.errno_value() == ENOENT);
    CHECK(text.find("cpu.rt_runtime_us") != std::string::npos);

    Resources leaf;
    leaf.blockIO.emplace();
    leaf.blockIO->leafWeight = 100;
    v1_error_text([&] { cgroupfs_cgroup(std::string("/c"), "c", h)->apply(leaf); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/blockIO/leafWeight");

    Resources hugepages;  // no hugetlb on v1 and no cgroup2 mount in this tree
    hugepages.hugepageLimits = {{"2MB", 1}};
    v1_error_text([&] { cgroupfs_cgroup(std::string("/c"), "c", h)->apply(hugepages); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/hugepageLimits");
}

TEST_CASE("cgroups v1 apply emulated: hugetlb reservations are written where the kernel has them") {
    V1Tree t;
    fs::create_directories(t.root + "/hugetlb");
    auto h = Hierarchy::parse("50 30 0:50 / " + t.root + "/hugetlb rw - cgroup cgroup rw,hugetlb\n", "5:hugetlb:/\n",
                              t.root);
    t.files("hugetlb", {"hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.rsvd.limit_in_bytes", "hugetlb.1GB.limit_in_bytes"});
    Resources r;
    r.hugepageLimits = {{"2MB", 4194304}, {"1GB", 1073741824}};
    cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r);
    CHECK(t.read("hugetlb", "hugetlb.2MB.limit_in_bytes") == "4194304");
    CHECK(t.read("hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes") == "4194304");
    CHECK(t.read("hugetlb", "hugetlb.1GB.limit_in_bytes") == "1073741824");
    CHECK_FALSE(t.exists("hugetlb", "hugetlb.1GB.rsvd.limit_in_bytes"));
}

TEST_CASE("cgroups v1 apply emulated: net_cls, net_prio and rdma land in their hierarchies") {
    V1Tree t;
    std::string mounts;
    for (auto [id, c] : std::vector<std::pair<int, const char*>>{{60, "net_cls"}, {61, "net_prio"}, {62, "rdma"}}) {
        fs::create_directories(t.root + "/" + c);
        mounts += std::to_string(id) + " 30 0:" + std::to_string(id) + " / " + t.root + "/" + c +
                  " rw - cgroup cgroup rw," + c + "\n";
    }
    auto h = Hierarchy::parse(mounts, "", t.root);
    t.files("net_cls", {"net_cls.classid"});
    t.files("net_prio", {"net_prio.ifpriomap"});
    t.files("rdma", {"rdma.max"});
    Resources r;
    r.network.emplace();
    r.network->classID = 1048577;
    r.network->priorities = {{"lo", 7}};
    r.rdma["mlx5_0"] = {3, 10000};
    cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r);
    CHECK(t.read("net_cls", "net_cls.classid") == "1048577");
    CHECK(t.read("net_prio", "net_prio.ifpriomap") == "lo 7");
    CHECK(t.read("rdma", "rdma.max") == "mlx5_0 hca_handle=3 hca_object=10000");
}

TEST_CASE("cgroups v1 apply emulated: without swap accounting an unlimited limit writes no memsw file") {
    V1Tree t;
    auto h = t.hierarchy();
    t.files("memory", {"memory.limit_in_bytes"});
    cgroupfs_cgroup(std::string("/c"), "c", h)->apply(memory_resources(-1, std::nullopt));
    CHECK(t.read("memory", "memory.limit_in_bytes") == "-1");
    CHECK_FALSE(t.exists("memory", "memory.memsw.limit_in_bytes"));
    ocirt::Error e("");
    v1_error_text([&] { cgroupfs_cgroup(std::string("/c"), "c", h)->apply(memory_resources(1000, 2000)); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/memory/swap");  // asked for explicitly: an error, not a skip
    CHECK(e.errno_value() == ENOENT);
}

TEST_CASE("cgroups v1 apply emulated: unified keys are refused clearly where no cgroup2 mount exists") {
    V1Tree t;
    auto h = t.hierarchy();
    Resources r;
    r.unified["memory.high"] = "1000000";
    ocirt::Error e("");
    auto text = v1_error_text([&] { cgroupfs_cgroup(std::string("/c"), "c", h)->apply(r); }, &e);
    CHECK(e.json_pointer() == "/linux/resources/unified");
    CHECK(text.find("no cgroup v2 mount") != std::string::npos);
}
