// config-linux.md "Network Devices" (runtime-spec 1.3): a host veth end listed in linux.netDevices is in the
// container's network namespace under its new name, keeps its permanent address of global scope and is up;
// a name the container's namespace already has ("lo" is in every one) is an error. The veth pair is made and
// removed by this suite with iproute2's `ip`. The bundles keep the suite's ociVersion: a runtime that knows
// netDevices does not gate it on the version, and one that refuses a newer ociVersion would pass the error
// case for the wrong reason.
// Skipped: "MUST NOT move the interface out of the namespace before deletion" shows only as the kernel's own
// cleanup; the integration tests (tests/integration/net_devices_test.cpp) look at what the host is left with.
#include <doctest/doctest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "../support/skip.hpp"
#include "../support/veth_pair.hpp"
#include "conformance.hpp"

using namespace ocirt::conformance;

namespace {

using ocirt::test::HostVethPair;
using ocirt::test::ip_tool;

}  // namespace

TEST_CASE("config-linux.md#network-devices: a listed device is in the container's namespace, renamed, with its permanent global address, up [MUST]") {
    HostVethPair veth("cf");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    REQUIRE(ip_tool({"addr", "add", "10.201.3.2/24", "dev", veth.end()}).exit_code == 0);
    REQUIRE(ip_tool({"link", "set", veth.peer(), "up"}).exit_code == 0);
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", "conf0"}}}};
    auto r = run_container(runtime, bundle, "ip -o addr show dev conf0; ip -o link show conf0");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("conf0    inet 10.201.3.2/24") != std::string::npos);
    CHECK(r.out.find(",UP") != std::string::npos);
}

TEST_CASE("config-linux.md#network-devices: a name that already exists in the container's namespace is an error [MUST]") {
    HostVethPair veth("cf");
    OCIRT_SKIP_IF(!veth.made(), "the host cannot make a veth pair: " + veth.error());
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["netDevices"] = {{veth.end(), {{"name", "lo"}}}};
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}
