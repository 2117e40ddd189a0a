// CVE-2024-21626: an fd the runtime holds on a host directory while it sets the process up, used as the
// process's cwd through process.cwd "/proc/self/fd/N" (or `exec --cwd`): the process would start in a
// host directory, and ".." from there walks the host's tree. Every N that could be open is tried.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "container_helpers.hpp"
#include "cve_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

constexpr int kHighestFd = 15;

struct HostMarker {
    TempDir dir{"ocirt-cve21626"};
    HostMarker() { std::ofstream(dir.path() + "/marker") << "host-side\n"; }
    // From a cwd outside the container's root, ".." climbs to the host's root; inside it stops at the
    // container's root, where the marker's directory does not exist.
    std::string probe_script() const {
        std::string up;
        for (int i = 0; i < 24; ++i) up += "../";
        return "cat " + up.substr(0, up.size() - 1) + dir.path() + "/marker && echo ESCAPED; echo \"cwd=$(pwd -P)\"; "
               "echo \"fds=$(ls /proc/self/fd | tr '\\n' ' ')\"";
    }
};

// A started process's view: no host file reached, its cwd inside its root, and only stdio plus the fd
// `ls` opens for the listing.
void check_not_escaped(const Result& r, const std::string& cwd) {
    CAPTURE(cwd);
    INFO(r.out);
    INFO(r.err);
    CHECK(r.out.find("ESCAPED") == std::string::npos);
    CHECK(r.out.find("host-side") == std::string::npos);
    if (r.exit_code != 0) {
        // A failed start must name the cwd.
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("cwd") != std::string::npos);
        return;
    }
    CHECK(r.out.find("cwd=(unreachable)") == std::string::npos);
    CHECK(r.out.find("cwd=/") != std::string::npos);
    auto at = r.out.find("fds=");
    REQUIRE(at != std::string::npos);
    std::istringstream fds(r.out.substr(at + 4));
    for (std::string fd; fds >> fd;) {
        CAPTURE(fd);
        CHECK(std::set<std::string>{"0", "1", "2", "3"}.count(fd) == 1);
    }
}

}  // namespace

TEST_CASE("CVE-2024-21626: process.cwd /proc/self/fd/N never starts the container's process in a host directory") {
    PrivateOcirtCopy binary;
    Ocirt ocirt;
    HostMarker marker;
    for (int n = 3; n <= kHighestFd; ++n) {
        Bundle bundle;
        std::string cwd = "/proc/self/fd/" + std::to_string(n);
        bundle.config["process"]["cwd"] = cwd;
        check_not_escaped(run_script(ocirt, bundle, marker.probe_script()), cwd);
    }
}

TEST_CASE("CVE-2024-21626: exec --cwd /proc/self/fd/N never starts the exec'd process in a host directory") {
    PrivateOcirtCopy binary;
    Ocirt ocirt;
    HostMarker marker;
    TempDir logs("ocirt-cve-logs");
    Bundle bundle;
    bundle.shell("sleep 300");
    bundle.write();
    std::string id = unique_id("cve21626");
    auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, logs.path() + "/out", logs.path() + "/err");
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    REQUIRE(ocirt({"start", id}).exit_code == 0);
    for (int n = 3; n <= kHighestFd; ++n) {
        std::string cwd = "/proc/self/fd/" + std::to_string(n);
        check_not_escaped(ocirt({"exec", "--cwd", cwd, id, "/bin/sh", "-c", marker.probe_script()}), cwd);
    }
}
