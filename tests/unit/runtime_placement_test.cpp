// How create's init comes into its cgroup (runtime/new_container.hpp Placement), decided from the cgroup
// driver, the host's hierarchies and the plan, on emulated hierarchies.
#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "cgroups/drivers.hpp"
#include "cgroups/hierarchy.hpp"
#include "plan/init_plan.hpp"
#include "runtime/new_container.hpp"
#include "temp_tree.hpp"

using ocirt::cgroups::Hierarchy;
using ocirt::cgroups::cgroupfs_cgroup;
using ocirt::runtime::Placement;
using ocirt::runtime::choose_placement;

TEST_CASE("create placement: clone3 into the cgroup on pure v2, the init first on v1 when one clone makes it and the cgroup is sure, else fork then join") {
    ocirt::unit_test::TempTree t("ocirt-placement");
    t.file("unified/cgroup.controllers", "pids\n");
    t.file("v1/pids/tasks", "");
    const Hierarchy v2 = Hierarchy::parse("40 30 0:37 / " + t.path + "/unified rw - cgroup2 cgroup2 rw\n", "0::/\n",
                                          t.path + "/unified");
    const Hierarchy hybrid = Hierarchy::parse("34 30 0:31 / " + t.path + "/v1/pids rw - cgroup cgroup rw,pids\n" +
                                                  "40 30 0:37 / " + t.path + "/unified rw - cgroup2 cgroup2 rw\n",
                                              "0::/\n", t.path);
    ocirt::plan::InitPlan one_clone;
    one_clone.namespaces_at_clone = true;
    const ocirt::plan::InitPlan second_fork;

    const ocirt::runtime::CreateRequest cgroupfs;
    ocirt::runtime::CreateRequest systemd;
    systemd.systemd_cgroup = true;
    ocirt::runtime::CreateRequest rootless;
    rootless.rootless = true;

    const auto on_v2 = cgroupfs_cgroup(std::string("/c"), "c", v2);
    CHECK(choose_placement(*on_v2, cgroupfs, one_clone) == Placement::clone_into_cgroup);
    CHECK(choose_placement(*on_v2, cgroupfs, second_fork) == Placement::clone_into_cgroup);

    const auto on_hybrid = cgroupfs_cgroup(std::string("/c"), "c", hybrid);
    CHECK(choose_placement(*on_hybrid, cgroupfs, one_clone) == Placement::start_before_cgroup);
    CHECK(choose_placement(*on_hybrid, cgroupfs, second_fork) == Placement::join_after_fork);

    // --systemd-cgroup: the unit, and so the cgroup, is made for the init's pid.
    CHECK(choose_placement(*on_v2, systemd, one_clone) == Placement::join_after_fork);
    CHECK(choose_placement(*on_hybrid, systemd, one_clone) == Placement::join_after_fork);

    // Rootless: the cgroup may be denied at place(), and an init started earlier would bind the planned one.
    CHECK(choose_placement(*on_hybrid, rootless, one_clone) == Placement::join_after_fork);
    CHECK(choose_placement(*on_v2, rootless, one_clone) == Placement::clone_into_cgroup);
}
