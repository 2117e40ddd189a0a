#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cgroups/drivers.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;
using ocirt::config::Resources;

namespace {

// A temp tree laid out like a cgroup2 mount: the root's cgroup.controllers and cgroup.subtree_control,
// and a container cgroup /a/c whose interface files exist as empty files (writes do not create files,
// as on the kernel's cgroupfs).
struct V2Tree : ocirt::unit_test::TempTree {
    const std::string& root = path;
    explicit V2Tree(const std::string& controllers) : TempTree("ocirt-cgroups-v2-emulated") {
        file("cgroup.controllers", controllers + "\n");
        file("cgroup.subtree_control", "");
        file("a/cgroup.subtree_control", "");
    }
    void files(const std::vector<std::string>& leaf_files) const {
        for (const auto& f : leaf_files) file("a/c/" + f, "");
    }
    bool exists(const std::string& rel) const { return fs::exists(root + "/" + rel); }
    std::unique_ptr<Manager> manager() const {
        auto h = Hierarchy::parse("40 30 0:37 / " + root + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n", "0::/\n", root);
        auto m = cgroupfs_cgroup(std::string("/a/c"), "c", h);
        m->create();
        return m;
    }
};

std::string error_pointer(const std::unique_ptr<Manager>& m, const Resources& r) {
    try {
        m->apply(r);
    } catch (const ocirt::Error& e) {
        return e.json_pointer();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("cgroups v2 emulated: memory enables the controller in each ancestor and writes its files") {
    V2Tree t("cpuset cpu io memory hugetlb pids rdma");
    t.files({"memory.max", "memory.low", "memory.swap.max"});
    auto m = t.manager();
    Resources r;
    r.memory.emplace();
    r.memory->limit = 64 << 20;
    r.memory->swap = 96 << 20;
    r.memory->reservation = 32 << 20;
    m->apply(r);
    CHECK(t.read("cgroup.subtree_control") == "+memory");
    CHECK(t.read("a/cgroup.subtree_control") == "+memory");
    CHECK_FALSE(t.exists("a/c/cgroup.subtree_control"));  // the leaf's own children are not ours to enable
    CHECK(t.read("a/c/memory.max") == "67108864");
    CHECK(t.read("a/c/memory.swap.max") == "33554432");
    CHECK(t.read("a/c/memory.low") == "33554432");
}

TEST_CASE("cgroups v2 emulated: a controller already enabled in an ancestor is not written again") {
    V2Tree t("pids");
    t.file("cgroup.subtree_control", "pids\n");
    t.files({"pids.max"});
    auto m = t.manager();
    Resources r;
    r.pids.emplace();
    r.pids->limit = 40;
    m->apply(r);
    CHECK(t.read("cgroup.subtree_control") == "pids\n");
    CHECK(t.read("a/cgroup.subtree_control") == "+pids");
    CHECK(t.read("a/c/pids.max") == "40");
}

TEST_CASE("cgroups v2 emulated: without memory.swap.max, no-swap passes and a swap limit is an error") {
    V2Tree t("memory");
    t.files({"memory.max"});
    auto m = t.manager();
    Resources r;
    r.memory.emplace();
    r.memory->limit = 1 << 20;
    r.memory->swap = 1 << 20;
    m->apply(r);
    CHECK(t.read("a/c/memory.max") == "1048576");
    CHECK_FALSE(t.exists("a/c/memory.swap.max"));
    r.memory->swap = 2 << 20;
    CHECK(error_pointer(m, r) == "/linux/resources/memory/swap");
}

TEST_CASE("cgroups v2 emulated: blkio weight goes to io.bfq.weight where BFQ is, else io.weight converted") {
    Resources r;
    r.blockIO.emplace();
    r.blockIO->weight = 100;
    {
        V2Tree t("io");
        t.files({"io.weight", "io.bfq.weight"});
        auto m = t.manager();
        m->apply(r);
        CHECK(t.read("a/c/io.bfq.weight") == "100");
        CHECK(t.read("a/c/io.weight") == "");
        CHECK(t.read("cgroup.subtree_control") == "+io");
    }
    {
        V2Tree t("io");
        t.files({"io.weight"});
        auto m = t.manager();
        m->apply(r);
        CHECK(t.read("a/c/io.weight") == "910");
    }
}

TEST_CASE("cgroups v2 emulated: hugetlb writes the reservation limit only where the kernel has one") {
    Resources r;
    r.hugepageLimits = {{"2MB", 8 << 20}};
    {
        V2Tree t("hugetlb");
        t.files({"hugetlb.2MB.max", "hugetlb.2MB.rsvd.max"});
        auto m = t.manager();
        m->apply(r);
        CHECK(t.read("a/c/hugetlb.2MB.max") == "8388608");
        CHECK(t.read("a/c/hugetlb.2MB.rsvd.max") == "8388608");
    }
    {
        V2Tree t("hugetlb");
        t.files({"hugetlb.2MB.max"});
        auto m = t.manager();
        m->apply(r);
        CHECK(t.read("a/c/hugetlb.2MB.max") == "8388608");
        CHECK_FALSE(t.exists("a/c/hugetlb.2MB.rsvd.max"));
        r.hugepageLimits = {{"2MB", 0}, {"64KB", 0}};  // no such page size here: no such file
        CHECK(error_pointer(m, r) == "/linux/resources/hugepageLimits/1/limit");
    }
}

TEST_CASE("cgroups v2 emulated: cpu and cpuset land in their files") {
    V2Tree t("cpuset cpu");
    t.files({"cpu.weight", "cpu.max", "cpuset.cpus", "cpuset.mems"});
    auto m = t.manager();
    Resources r;
    r.cpu.emplace();
    r.cpu->shares = 1024;
    r.cpu->quota = 25000;
    r.cpu->cpus = "0";
    r.cpu->mems = "0";
    m->apply(r);
    CHECK(t.read("a/c/cpu.weight") == "100");
    CHECK(t.read("a/c/cpu.max") == "25000 100000");
    CHECK(t.read("a/c/cpuset.cpus") == "0");
    CHECK(t.read("a/c/cpuset.mems") == "0");
    CHECK(t.read("a/cgroup.subtree_control").find("+c") == 0);  // +cpu, then +cpuset written over it
}

TEST_CASE("cgroups v2 emulated: a controller the mount lacks is an error naming the group") {
    V2Tree t("memory");
    auto m = t.manager();
    Resources r;
    r.pids.emplace();
    r.pids->limit = 5;
    CHECK(error_pointer(m, r) == "/linux/resources/pids");
    CHECK(t.read("cgroup.subtree_control") == "");
    Resources rdma;
    rdma.rdma["mlx4_0"] = {1, 1};
    CHECK(error_pointer(m, rdma) == "/linux/resources/rdma");
}

TEST_CASE("cgroups v2 emulated: a refused config changes nothing on the host") {
    V2Tree t("cpu");
    t.files({"cpu.max"});
    auto m = t.manager();
    Resources r;
    r.cpu.emplace();
    r.cpu->quota = 1000;
    r.cpu->realtimeRuntime = 5000;
    CHECK(error_pointer(m, r) == "/linux/resources/cpu/realtimeRuntime");
    CHECK(t.read("cgroup.subtree_control") == "");
    CHECK(t.read("a/c/cpu.max") == "");
    Resources net;
    net.network.emplace().classID = 7;
    CHECK(error_pointer(m, net) == "/linux/resources/network/classID");
}

TEST_CASE("cgroups v2 emulated: unified keys enable their controller and go after the typed values") {
    V2Tree t("memory pids");
    t.files({"pids.max", "memory.high", "cgroup.max.depth"});
    auto m = t.manager();
    Resources r;
    r.pids.emplace();
    r.pids->limit = 10;
    r.unified["pids.max"] = "20";
    r.unified["memory.high"] = "4096";
    r.unified["cgroup.max.depth"] = "3";
    m->apply(r);
    CHECK(t.read("a/c/pids.max") == "20");
    CHECK(t.read("a/c/memory.high") == "4096");
    CHECK(t.read("a/c/cgroup.max.depth") == "3");
    CHECK(t.read("a/cgroup.subtree_control").find("+") == 0);
}

TEST_CASE("cgroups v2 emulated: a unified key naming a missing controller or file is an error naming the key") {
    V2Tree t("memory");
    t.files({"memory.high"});
    auto m = t.manager();
    Resources r;
    r.unified["memory.high"] = "4096";
    r.unified["rdma.max"] = "mlx4_0 hca_handle=1";
    std::string message;
    try {
        m->apply(r);
    } catch (const ocirt::Error& e) {
        message = e.full();
        CHECK(e.json_pointer() == "/linux/resources/unified/rdma.max");
    }
    CHECK(message.find("rdma") != std::string::npos);
    Resources missing_file;
    missing_file.unified["memory.nonesuch"] = "1";
    CHECK(error_pointer(m, missing_file) == "/linux/resources/unified/memory.nonesuch");
}

TEST_CASE("cgroups v2 emulated: on a hybrid host each group goes where its controller is") {
    V2Tree t("hugetlb");
    fs::create_directories(t.root + "/v1/memory");
    std::string mountinfo = "34 30 0:31 / " + t.root + "/v1/memory rw - cgroup cgroup rw,memory\n" +
                            "40 30 0:37 / " + t.root + " rw - cgroup2 cgroup2 rw\n";
    auto h = Hierarchy::parse(mountinfo, "4:memory:/\n0::/\n", t.root);
    auto m = cgroupfs_cgroup(std::string("/a/c"), "c", h);
    m->create();
    t.files({"hugetlb.2MB.max"});
    for (const char* f : {"memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.swappiness"})
        t.file(std::string("v1/memory/a/c/") + f, "");
    Resources r;
    r.memory.emplace();
    r.memory->swappiness = 10;  // v1-only: must not reach the v2 mapping
    r.hugepageLimits = {{"2MB", 2 << 20}};
    m->apply(r);
    CHECK(t.read("a/c/hugetlb.2MB.max") == "2097152");
    CHECK(t.read("cgroup.subtree_control") == "+hugetlb");
    CHECK_FALSE(t.exists("a/c/memory.max"));
    Resources cls;
    cls.network.emplace().classID = 1;  // neither a v1 net_cls here nor a v2 equivalent
    CHECK(error_pointer(m, cls) == "/linux/resources/network/classID");
}

TEST_CASE("cgroups v2 emulated: devices on a directory that is no cgroup fail naming the devices") {
    V2Tree t("memory");
    auto m = t.manager();
    Resources r;
    r.devices.push_back({false, std::nullopt, std::nullopt, std::nullopt, std::string("rwm")});
    CHECK(error_pointer(m, r) == "/linux/resources/devices");
}

TEST_CASE("cgroups v2 emulated: a manager without a cgroup applies nothing") {
    V2Tree t("pids");
    auto h = Hierarchy::parse("40 30 0:37 / " + t.root + " rw - cgroup2 cgroup2 rw\n", "0::/\n", t.root);
    Resources r;
    r.pids.emplace();
    r.pids->limit = 1;
    CHECK_NOTHROW(no_cgroup()->apply(r));
    CHECK(t.read("cgroup.subtree_control") == "");
}

TEST_CASE("cgroups v2 emulated: the child is forked into its cgroup only where the cgroup2 mount is the one hierarchy") {
    V2Tree t("pids");
    auto v2 = t.manager();
    CHECK(v2->clone_target() == t.root + "/a/c");
    fs::create_directories(t.root + "/v1/pids");
    std::string hybrid = "34 30 0:31 / " + t.root + "/v1/pids rw - cgroup cgroup rw,pids\n" + "40 30 0:37 / " +
                         t.root + " rw - cgroup2 cgroup2 rw\n";
    CHECK_FALSE(cgroupfs_cgroup(std::string("/c"), "c", Hierarchy::parse(hybrid, "0::/\n", t.root))->clone_target());
    std::string v1 = "34 30 0:31 / " + t.root + "/v1/pids rw - cgroup cgroup rw,pids\n";
    CHECK_FALSE(cgroupfs_cgroup(std::string("/c"), "c", Hierarchy::parse(v1, "", t.root))->clone_target());
    CHECK_FALSE(no_cgroup()->clone_target());
}
