// linux.memoryPolicy → plan::MemoryPolicy: the set_mempolicy(2) values, and what is refused from the config
// alone, each naming its field.
#include <doctest/doctest.h>
#include <linux/mempolicy.h>

#include "plan/memory_policy.hpp"
#include "plan_helpers.hpp"
#include "util/error.hpp"

using namespace ocirt;
using plan_test::error_of;

namespace {

config::Config with_policy(const std::string& mode, std::optional<std::string> nodes = std::nullopt,
                           std::vector<std::string> flags = {}) {
    config::Config c;
    c.ociVersion = "1.3.0";
    c.linux_ = config::Linux{};
    c.linux_->memoryPolicy = config::MemoryPolicy{mode, std::move(nodes), std::move(flags)};
    return c;
}

std::string pointer_of_refusal(const config::Config& c) { return error_of([&] { plan::plan_memory_policy(c); }).json_pointer(); }

}  // namespace

TEST_CASE("plan memory policy: none without linux.memoryPolicy") {
    config::Config c;
    CHECK_FALSE(plan::plan_memory_policy(c));
    c.linux_ = config::Linux{};
    CHECK_FALSE(plan::plan_memory_policy(c));
}

TEST_CASE("plan memory policy: modes, flags and nodes become set_mempolicy(2)'s values") {
    auto p = plan::plan_memory_policy(with_policy("MPOL_INTERLEAVE", "0-2,7", {"MPOL_F_STATIC_NODES"}));
    REQUIRE(p);
    CHECK(p->mode == MPOL_INTERLEAVE);
    CHECK(p->flags == MPOL_F_STATIC_NODES);
    CHECK(p->nodes == std::vector<int>{0, 1, 2, 7});
    CHECK(p->description == "MPOL_INTERLEAVE nodes \"0-2,7\" flags MPOL_F_STATIC_NODES");
    CHECK_FALSE(p->check_nodes_kept);  // static nodes may name nodes that come later
    CHECK(p->error_pointer == "/linux/memoryPolicy/nodes");

    p = plan::plan_memory_policy(with_policy("MPOL_BIND", "1", {"MPOL_F_NUMA_BALANCING"}));
    CHECK(p->mode == MPOL_BIND);
    CHECK(p->flags == MPOL_F_NUMA_BALANCING);
    CHECK(p->check_nodes_kept);
    CHECK(p->error_pointer == "/linux/memoryPolicy");  // the flag may be what the kernel lacks

    CHECK(plan::plan_memory_policy(with_policy("MPOL_DEFAULT"))->mode == MPOL_DEFAULT);
    CHECK(plan::plan_memory_policy(with_policy("MPOL_LOCAL", ""))->mode == MPOL_LOCAL);
    CHECK(plan::plan_memory_policy(with_policy("MPOL_PREFERRED"))->nodes.empty());
    CHECK(plan::plan_memory_policy(with_policy("MPOL_PREFERRED", "3"))->nodes == std::vector<int>{3});
    CHECK(plan::plan_memory_policy(with_policy("MPOL_PREFERRED_MANY", "0,1"))->mode == MPOL_PREFERRED_MANY);
    CHECK(plan::plan_memory_policy(with_policy("MPOL_WEIGHTED_INTERLEAVE", "0"))->mode == 6);  // uapi, Linux 6.9
    CHECK(plan::plan_memory_policy(with_policy("MPOL_BIND", "1", {"MPOL_F_RELATIVE_NODES"}))->flags == MPOL_F_RELATIVE_NODES);
}

TEST_CASE("plan memory policy: what the spec and set_mempolicy(2) rule out is refused, naming the field") {
    CHECK(pointer_of_refusal(with_policy("MPOL_NONE")) == "/linux/memoryPolicy/mode");
    CHECK(pointer_of_refusal(with_policy("")) == "/linux/memoryPolicy/mode");
    CHECK(pointer_of_refusal(with_policy("MPOL_DEFAULT", "0")) == "/linux/memoryPolicy/nodes");
    CHECK(pointer_of_refusal(with_policy("MPOL_LOCAL", "0")) == "/linux/memoryPolicy/nodes");
    for (const char* mode : {"MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE", "MPOL_PREFERRED_MANY"}) {
        CAPTURE(mode);
        CHECK(pointer_of_refusal(with_policy(mode)) == "/linux/memoryPolicy/nodes");
        CHECK(pointer_of_refusal(with_policy(mode, "")) == "/linux/memoryPolicy/nodes");
    }
    CHECK(pointer_of_refusal(with_policy("MPOL_PREFERRED", "0,1")) == "/linux/memoryPolicy/nodes");
    for (const char* bad : {"x", "1-0", "-1", ",", "40000"}) {
        CAPTURE(bad);
        CHECK(pointer_of_refusal(with_policy("MPOL_BIND", bad)) == "/linux/memoryPolicy/nodes");
    }
    CHECK(pointer_of_refusal(with_policy("MPOL_BIND", "0", {"MPOL_F_NONE"})) == "/linux/memoryPolicy/flags/0");
    CHECK(pointer_of_refusal(with_policy("MPOL_BIND", "0", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"})) ==
          "/linux/memoryPolicy/flags/1");
    CHECK(pointer_of_refusal(with_policy("MPOL_BIND", "0", {"MPOL_F_NUMA_BALANCING", "MPOL_F_NUMA_BALANCING"})) ==
          "/linux/memoryPolicy/flags/1");
    CHECK(pointer_of_refusal(with_policy("MPOL_DEFAULT", std::nullopt, {"MPOL_F_NUMA_BALANCING"})) == "/linux/memoryPolicy/flags/0");
    CHECK(pointer_of_refusal(with_policy("MPOL_LOCAL", std::nullopt, {"MPOL_F_STATIC_NODES"})) == "/linux/memoryPolicy/flags/0");
    CHECK(pointer_of_refusal(with_policy("MPOL_PREFERRED", std::nullopt, {"MPOL_F_RELATIVE_NODES"})) ==
          "/linux/memoryPolicy/flags/0");
}

TEST_CASE("plan memory policy: the features lists are the planned names") {
    for (const auto& mode : plan::memory_policy_mode_names()) {
        CAPTURE(mode);
        bool no_nodes = mode == "MPOL_DEFAULT" || mode == "MPOL_LOCAL";
        CHECK_NOTHROW(plan::plan_memory_policy(with_policy(mode, no_nodes ? std::nullopt : std::optional<std::string>("0"))));
    }
    CHECK(plan::memory_policy_mode_names().size() == 7);
    CHECK(plan::memory_policy_flag_names() ==
          std::vector<std::string>{"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES"});
}
