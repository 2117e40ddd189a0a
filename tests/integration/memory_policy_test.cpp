// config-linux.md "Memory policy" (runtime-spec 1.3): linux.memoryPolicy reaches the container's processes
// as set_mempolicy(2) set it. Read back from inside the container: /proc/self/numa_maps shows, for each
// mapping without a policy of its own, the task's policy ("bind:0", "interleave:0", "prefer:0", "local",
// "default", ...; proc(5) numa_maps, mm/mempolicy.c mpol_to_str).
#include <doctest/doctest.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What keeps these tests from running here, or "" (a kernel without CONFIG_NUMA has no numa_maps and
// answers set_mempolicy(2) with ENOSYS).
std::string lacking_numa() {
    if (!fs::exists("/proc/self/numa_maps")) return "kernel without NUMA support (no /proc/self/numa_maps)";
    if (!fs::exists("/sys/devices/system/node/node0")) return "no NUMA node 0 (/sys/devices/system/node/node0)";
    return "";
}

bool node_online(int node) { return fs::exists("/sys/devices/system/node/node" + std::to_string(node)); }

// The first mapping's line of /proc/self/numa_maps as `cat` (forked from the container's shell) sees it.
// The policy is the field after the address; it may hold a blank ("prefer (many):0"), so it is returned
// as the line without the address and matched with blanks around.
Result numa_maps_line(const Ocirt& ocirt, const json& policy, const std::string& version = "1.3.0") {
    Bundle bundle;
    bundle.config["ociVersion"] = version;
    bundle.config["linux"]["memoryPolicy"] = policy;
    return run_script(ocirt, bundle, "head -n 1 /proc/self/numa_maps");
}

bool shows(const Result& r, const std::string& policy) {
    std::string line = r.out.substr(0, r.out.find('\n'));
    return (line + " ").find(" " + policy + " ") != std::string::npos;
}

// A create that must fail: exit code 1, the error on stderr, and nothing left behind.
Result failed_create(const Ocirt& ocirt, const json& policy) {
    Bundle bundle;
    bundle.config["linux"]["memoryPolicy"] = policy;
    bundle.write();
    TempDir files("ocirt-mempolicy");
    std::string id = unique_id("mpol");
    Result r = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/out", files.path() + "/err");
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    if (r.exit_code == 0) ocirt({"delete", "--force", id});
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
    return r;
}

}  // namespace

TEST_CASE("memory policy: each mode reaches the container's processes as numa_maps shows it") {
    OCIRT_SKIP_IF_LACKING(lacking_numa());
    Ocirt ocirt;
    // What mpol_to_str prints for each mode on node 0. MPOL_PREFERRED without nodes is local allocation.
    const std::vector<std::pair<json, std::string>> cases = {
        {{{"mode", "MPOL_DEFAULT"}}, "default"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}}, "bind:0"},
        {{{"mode", "MPOL_INTERLEAVE"}, {"nodes", "0"}}, "interleave:0"},
        {{{"mode", "MPOL_PREFERRED"}, {"nodes", "0"}}, "prefer:0"},
        {{{"mode", "MPOL_PREFERRED"}}, "local"},
        {{{"mode", "MPOL_PREFERRED_MANY"}, {"nodes", "0"}}, "prefer (many):0"},
        {{{"mode", "MPOL_LOCAL"}}, "local"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_STATIC_NODES"}}}, "bind=static:0"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_RELATIVE_NODES"}}}, "bind=relative:0"},
        {{{"mode", "MPOL_INTERLEAVE"}, {"nodes", "0-0,0"}, {"flags", {"MPOL_F_STATIC_NODES"}}}, "interleave=static:0"},
    };
    for (const auto& [policy, expected] : cases) {
        CAPTURE(policy.dump());
        Result r = numa_maps_line(ocirt, policy);
        CAPTURE(r.err);
        CHECK(r.exit_code == 0);
        CHECK_MESSAGE(shows(r, expected), r.out);
    }
    // Without linux.memoryPolicy the process keeps the default policy.
    Bundle plain;
    Result r = run_script(ocirt, plain, "head -n 1 /proc/self/numa_maps");
    CHECK(shows(r, "default"));
}

TEST_CASE("memory policy: the kernel-dependent mode and flag work where the kernel has them, and fail create naming the policy where not") {
    OCIRT_SKIP_IF_LACKING(lacking_numa());
    Ocirt ocirt;
    // MPOL_WEIGHTED_INTERLEAVE came with Linux 6.9, MPOL_F_NUMA_BALANCING (with MPOL_BIND) with 5.12. The
    // test asks the kernel directly, through this process's own policy, in a child.
    auto kernel_takes = [](int mode_and_flags) {
        pid_t pid = ::fork();
        if (pid == 0) {
            unsigned long mask = 1;
            ::_exit(::syscall(SYS_set_mempolicy, mode_and_flags, &mask, 65ul) == 0 ? 0 : 1);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    };
    const std::vector<std::tuple<json, std::string, int>> cases = {
        {{{"mode", "MPOL_WEIGHTED_INTERLEAVE"}, {"nodes", "0"}}, "weighted interleave:0", 6},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_NUMA_BALANCING"}}}, "bind=balancing:0", 2 | (1 << 13)},
    };
    for (const auto& [policy, expected, raw] : cases) {
        CAPTURE(policy.dump());
        if (kernel_takes(raw)) {
            Result r = numa_maps_line(ocirt, policy);
            CAPTURE(r.err);
            CHECK(r.exit_code == 0);
            CHECK_MESSAGE(shows(r, expected), r.out);
        } else {
            Result r = failed_create(ocirt, policy);
            CHECK(r.err.find("/linux/memoryPolicy: ") != std::string::npos);
            CHECK(r.err.find("set_mempolicy") != std::string::npos);
            CHECK(r.err.find("Invalid argument") != std::string::npos);
        }
    }
}

TEST_CASE("memory policy: a node this host does not have fails create with exit 1, naming /linux/memoryPolicy/nodes, leaving nothing") {
    OCIRT_SKIP_IF_LACKING(lacking_numa());
    OCIRT_SKIP_IF(node_online(5), "this host has a NUMA node 5");
    Ocirt ocirt;
    // Node 5 alone: set_mempolicy(2) is left with no node and fails with EINVAL.
    Result r = failed_create(ocirt, {{"mode", "MPOL_BIND"}, {"nodes", "5"}});
    CHECK(r.err.find("/linux/memoryPolicy/nodes: ") != std::string::npos);
    CHECK(r.err.find("Invalid argument") != std::string::npos);
    // Node 0 and 5: the kernel keeps node 0 and drops 5 without a word; ocirt reads the policy back.
    r = failed_create(ocirt, {{"mode", "MPOL_INTERLEAVE"}, {"nodes", "0,5"}});
    CHECK(r.err.find("/linux/memoryPolicy/nodes: set_mempolicy MPOL_INTERLEAVE nodes \"0,5\" kept only node(s) 0") !=
          std::string::npos);
    // With MPOL_F_STATIC_NODES a node that is not there yet is the point (set_mempolicy(2)): taken, the
    // policy in effect on node 0 (numa_maps shows the nodes in effect).
    Result taken = numa_maps_line(ocirt, {{"mode", "MPOL_BIND"}, {"nodes", "0,5"}, {"flags", {"MPOL_F_STATIC_NODES"}}});
    CAPTURE(taken.err);
    CHECK(taken.exit_code == 0);
    CHECK_MESSAGE(shows(taken, "bind=static:0"), taken.out);
}

TEST_CASE("memory policy: nodes a mode forbids or lacks, and conflicting flags, fail create naming the field") {
    // Refused from the config alone, NUMA kernel or not.
    Ocirt ocirt;
    const std::vector<std::pair<json, std::string>> cases = {
        {{{"mode", "MPOL_DEFAULT"}, {"nodes", "0"}}, "/linux/memoryPolicy/nodes: MPOL_DEFAULT takes no nodes"},
        {{{"mode", "MPOL_LOCAL"}, {"nodes", "0"}}, "/linux/memoryPolicy/nodes: MPOL_LOCAL takes no nodes"},
        {{{"mode", "MPOL_BIND"}}, "/linux/memoryPolicy/nodes: MPOL_BIND needs at least one node"},
        {{{"mode", "MPOL_INTERLEAVE"}, {"nodes", ""}}, "/linux/memoryPolicy/nodes: MPOL_INTERLEAVE needs at least one node"},
        {{{"mode", "MPOL_PREFERRED_MANY"}}, "/linux/memoryPolicy/nodes: MPOL_PREFERRED_MANY needs at least one node"},
        {{{"mode", "MPOL_WEIGHTED_INTERLEAVE"}}, "/linux/memoryPolicy/nodes: MPOL_WEIGHTED_INTERLEAVE needs at least one node"},
        {{{"mode", "MPOL_PREFERRED"}, {"nodes", "0-1"}}, "/linux/memoryPolicy/nodes: MPOL_PREFERRED takes one node"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "1-0"}}, "/linux/memoryPolicy/nodes: is not a memory node list"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "zero"}}, "/linux/memoryPolicy/nodes: is not a memory node list"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_STATIC_NODES", "MPOL_F_RELATIVE_NODES"}}},
         "/linux/memoryPolicy/flags/1: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES cannot be combined"},
        {{{"mode", "MPOL_DEFAULT"}, {"flags", {"MPOL_F_NUMA_BALANCING"}}}, "/linux/memoryPolicy/flags/0: MPOL_DEFAULT takes no flags"},
        {{{"mode", "MPOL_LOCAL"}, {"flags", {"MPOL_F_STATIC_NODES"}}}, "/linux/memoryPolicy/flags/0: \"MPOL_F_STATIC_NODES\" applies to a node list"},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_STATIC_NODES", "MPOL_F_STATIC_NODES"}}},
         "/linux/memoryPolicy/flags/1: \"MPOL_F_STATIC_NODES\" is listed twice"},
        // The schema: mode is REQUIRED and the names are the spec's.
        {{{"nodes", "0"}}, "/linux/memoryPolicy/mode: is required"},
        {{{"mode", "MPOL_NONE"}}, "/linux/memoryPolicy/mode: "},
        {{{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {"MPOL_F_NONE"}}}, "/linux/memoryPolicy/flags/0: "},
    };
    for (const auto& [policy, expected] : cases) {
        CAPTURE(policy.dump());
        Result r = failed_create(ocirt, policy);
        CHECK_MESSAGE(r.err.find(expected) != std::string::npos, r.err);
    }
}

TEST_CASE("memory policy: an exec'd process gets the container's policy too") {
    OCIRT_SKIP_IF_LACKING(lacking_numa());
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["memoryPolicy"] = {{"mode", "MPOL_INTERLEAVE"}, {"nodes", "0"}};
    bundle.shell("sleep 1000");
    bundle.write();
    TempDir files("ocirt-mempolicy-exec");
    std::string id = unique_id("mpol-exec");
    Result created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/init-out", files.path() + "/init-err");
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    REQUIRE(ocirt({"start", id}).exit_code == 0);
    Result r = run_to_files(ocirt, {"exec", id, "head", "-n", "1", "/proc/self/numa_maps"}, files.path() + "/out", files.path() + "/err");
    CHECK(r.exit_code == 0);
    Result seen{0, read_file(files.path() + "/out"), read_file(files.path() + "/err")};
    CHECK_MESSAGE(shows(seen, "interleave:0"), seen.out);
    // The init's own (pid 1 in its PID namespace), read from the host.
    pid_t init = json::parse(ocirt({"state", id}).out)["pid"].get<pid_t>();
    std::ifstream maps("/proc/" + std::to_string(init) + "/numa_maps");
    std::string first;
    std::getline(maps, first);
    CHECK_MESSAGE((first + " ").find(" interleave:0 ") != std::string::npos, first);
    CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
}
