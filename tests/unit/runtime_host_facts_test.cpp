// src/runtime/host_facts: the cgroup facts the parent puts in the plan, so that the init's "cgroup" mount
// detects nothing itself (an emulated hybrid host: a mount table and /proc/self/cgroup given as text).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "cgroups/drivers.hpp"
#include "cgroups/hierarchy.hpp"
#include "plan/init_plan.hpp"
#include "runtime/host_facts.hpp"
#include "temp_tree.hpp"

namespace {

using ocirt::cgroups::Hierarchy;
using ocirt::cgroups::cgroupfs_cgroup;
using ocirt::cgroups::no_cgroup;
using ocirt::runtime::plan_cgroup_binds;

struct HybridHost : ocirt::unit_test::TempTree {
    Hierarchy hierarchy;
    HybridHost() : TempTree("ocirt-host-facts"), hierarchy(make()) {}

    Hierarchy make() const {
        for (const char* dir : {"cpu,cpuacct", "memory", "systemd", "unified"})
            std::filesystem::create_directories(path + "/" + dir);
        return Hierarchy::parse("31 30 0:28 / " + path + "/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                                "34 30 0:31 / " + path + "/memory rw - cgroup cgroup rw,memory\n"
                                "39 30 0:36 / " + path + "/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
                                "40 30 0:37 / " + path + "/unified rw - cgroup2 cgroup2 rw,nsdelegate\n",
                                "9:name=systemd:/user/ocirt\n4:memory:/outer/job\n1:cpu,cpuacct:/\n0::/user/ocirt\n",
                                path);
    }

    ocirt::plan::InitPlan plan(bool bind_host_cgroups) const {
        ocirt::plan::InitPlan p;
        p.bind_host_cgroups = bind_host_cgroups;
        p.cgroup_hierarchies = ocirt::runtime::host_facts(hierarchy).cgroup_hierarchies;
        return p;
    }
};

std::string directory_of(const ocirt::plan::InitPlan& p, const std::string& name) {
    for (const auto& h : p.cgroup_hierarchies)
        if (h.name == name) return h.container_directory;
    FAIL("no hierarchy " << name);
    return {};
}

}  // namespace

TEST_CASE("host facts: without a cgroup namespace the plan names the container's cgroup directory in each "
          "hierarchy") {
    HybridHost host;
    auto p = host.plan(true);
    REQUIRE(p.cgroup_hierarchies.size() == 4);
    plan_cgroup_binds(p, *cgroupfs_cgroup(std::string("/ocirt/c1"), "c1", host.hierarchy), host.hierarchy);
    CHECK(directory_of(p, "cpu,cpuacct") == host.path + "/cpu,cpuacct/ocirt/c1");
    CHECK(directory_of(p, "memory") == host.path + "/memory/ocirt/c1");
    CHECK(directory_of(p, "systemd") == host.path + "/systemd/ocirt/c1");
    CHECK(directory_of(p, "unified") == host.path + "/unified/ocirt/c1");

    // A relative cgroups path sits under ocirt's own cgroup, which differs between hierarchies.
    auto relative = host.plan(true);
    plan_cgroup_binds(relative, *cgroupfs_cgroup(std::nullopt, "c1", host.hierarchy), host.hierarchy);
    CHECK(directory_of(relative, "memory") == host.path + "/memory/outer/job/c1");
    CHECK(directory_of(relative, "cpu,cpuacct") == host.path + "/cpu,cpuacct/c1");
}

TEST_CASE("host facts: a container left without a cgroup of its own binds the cgroup ocirt is in") {
    HybridHost host;
    auto p = host.plan(true);
    plan_cgroup_binds(p, *no_cgroup(), host.hierarchy);
    CHECK(directory_of(p, "memory") == host.path + "/memory/outer/job");
    CHECK(directory_of(p, "cpu,cpuacct") == host.path + "/cpu,cpuacct");
    CHECK(directory_of(p, "unified") == host.path + "/unified/user/ocirt");
}

TEST_CASE("host facts: with a cgroup namespace the cgroup mount binds nothing: no directory is planned") {
    HybridHost host;
    auto p = host.plan(false);
    plan_cgroup_binds(p, *cgroupfs_cgroup(std::string("/ocirt/c1"), "c1", host.hierarchy), host.hierarchy);
    for (const auto& h : p.cgroup_hierarchies) CHECK(h.container_directory.empty());
}

TEST_CASE("host facts: on a cgroup2-only host the plan names the container's cgroup2 directory") {
    ocirt::unit_test::TempTree tree("ocirt-host-facts-v2");
    Hierarchy v2 = Hierarchy::parse("30 25 0:26 / " + tree.path + " rw - cgroup2 cgroup2 rw,nsdelegate\n",
                                    "0::/system.slice/job.service\n", tree.path);
    ocirt::plan::InitPlan p;
    p.bind_host_cgroups = true;
    p.cgroup_hierarchies = ocirt::runtime::host_facts(v2).cgroup_hierarchies;
    REQUIRE(p.cgroup_hierarchies.size() == 1);
    CHECK(p.cgroup_hierarchies[0].v2);
    plan_cgroup_binds(p, *cgroupfs_cgroup(std::string("/ocirt/c1"), "c1", v2), v2);
    CHECK(p.cgroup_hierarchies[0].container_directory == tree.path + "/ocirt/c1");
}
