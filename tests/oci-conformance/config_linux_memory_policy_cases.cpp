// config-linux.md "Memory policy" (runtime-spec 1.3): linux.memoryPolicy is the container process's
// set_mempolicy(2) policy, read back from inside the container in /proc/self/numa_maps (proc(5): a mapping
// without a policy of its own shows the task's, e.g. "bind:0"). The configs say ociVersion 1.3.0; a runtime
// that predates 1.3 ignores the field and fails the cases that read the policy back.
// Skipped where the kernel has no NUMA (no /proc/self/numa_maps). Nodes other than 0 are not used: a
// one-node host is the common case, and the cases must hold there.
#include <doctest/doctest.h>

#include <filesystem>

#include "conformance.hpp"
#include "../support/skip.hpp"

using namespace ocirt::conformance;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string conformance_lacking_numa() {
    if (!fs::exists("/proc/self/numa_maps")) return "kernel without NUMA support (no /proc/self/numa_maps)";
    if (!fs::exists("/sys/devices/system/node/node0")) return "no NUMA node 0";
    return "";
}

// The policy field of the first line of numa_maps as a process of the container sees it, blanks around.
std::string policy_seen(const Runtime& runtime, const json& policy) {
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.3.0";
    bundle.config["linux"]["memoryPolicy"] = policy;
    auto r = run_container(runtime, bundle, "head -n 1 /proc/self/numa_maps");
    CAPTURE(r.err);
    CHECK(r.exit_code == 0);
    std::string line = r.out.substr(0, r.out.find('\n'));
    return line.substr(line.find(' ') == std::string::npos ? line.size() : line.find(' ')) + " ";
}

ocirt::test::Result create_with(const Runtime& runtime, const json& policy) {
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.3.0";
    bundle.config["linux"]["memoryPolicy"] = policy;
    return run_container(runtime, bundle, "true");
}

}  // namespace

TEST_CASE("config-linux.md#memory-policy: mode and nodes are the container process's NUMA memory policy [MUST]") {
    OCIRT_SKIP_IF_LACKING(conformance_lacking_numa());
    Runtime runtime;
    CHECK(policy_seen(runtime, {{"mode", "MPOL_BIND"}, {"nodes", "0"}}).find(" bind:0 ") != std::string::npos);
    CHECK(policy_seen(runtime, {{"mode", "MPOL_INTERLEAVE"}, {"nodes", "0"}}).find(" interleave:0 ") != std::string::npos);
    CHECK(policy_seen(runtime, {{"mode", "MPOL_PREFERRED"}, {"nodes", "0"}}).find(" prefer:0 ") != std::string::npos);
    CHECK(policy_seen(runtime, {{"mode", "MPOL_PREFERRED_MANY"}, {"nodes", "0"}}).find(" prefer (many):0 ") != std::string::npos);
    CHECK(policy_seen(runtime, {{"mode", "MPOL_LOCAL"}}).find(" local ") != std::string::npos);
    CHECK(policy_seen(runtime, {{"mode", "MPOL_DEFAULT"}}).find(" default ") != std::string::npos);
}

TEST_CASE("config-linux.md#memory-policy: flags are the policy's mode flags [MUST]") {
    OCIRT_SKIP_IF_LACKING(conformance_lacking_numa());
    Runtime runtime;
    CHECK(policy_seen(runtime, {{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_STATIC_NODES"}}}).find(" bind=static:0 ") !=
          std::string::npos);
    CHECK(policy_seen(runtime, {{"mode", "MPOL_INTERLEAVE"}, {"nodes", "0"}, {"flags", {"MPOL_F_RELATIVE_NODES"}}})
              .find(" interleave=relative:0 ") != std::string::npos);
}

TEST_CASE("config-linux.md#memory-policy: nodes with MPOL_DEFAULT or MPOL_LOCAL, or none with MPOL_BIND or MPOL_INTERLEAVE, are an error [MUST]") {
    // "Some modes require that there are no nodes, e.g. MPOL_DEFAULT and MPOL_LOCAL. Others that there is at
    // least one node, e.g. MPOL_BIND and MPOL_INTERLEAVE": a config the runtime cannot apply (config.md).
    Runtime runtime;
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_DEFAULT"}, {"nodes", "0"}}));
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_LOCAL"}, {"nodes", "0"}}));
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_BIND"}}));
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_INTERLEAVE"}}));
}

TEST_CASE("config-linux.md#memory-policy: a mode or flag that is not one of the spec's is an error [MUST]") {
    Runtime runtime;
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_CONFORMANCE"}}));
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_CONFORMANCE"}}}));
}

TEST_CASE("config-linux.md#memory-policy: a node the host does not have is an error [MUST]") {
    OCIRT_SKIP_IF_LACKING(conformance_lacking_numa());
    OCIRT_SKIP_IF(fs::exists("/sys/devices/system/node/node63"), "this host has a NUMA node 63");
    Runtime runtime;
    CHECK_REFUSED(create_with(runtime, {{"mode", "MPOL_BIND"}, {"nodes", "63"}}));
}
