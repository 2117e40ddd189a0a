// Where a container without cgroupsPath goes on a cgroup v2 host when ocirt is called from a cgroup that
// holds processes, as it is from a systemd service or a login session.
#include <doctest/doctest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

bool unified_host() {
    struct statfs st{};
    return ::statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

TEST_CASE("cgroups v2: without cgroupsPath the container's cgroup is made beside the caller's, which holds processes") {
    OCIRT_SKIP_IF(!unified_host(), "/sys/fs/cgroup is not a cgroup2 mount (not a cgroup v2 host)");
    OCIRT_SKIP_IF(read_file("/sys/fs/cgroup/cgroup.subtree_control").find("memory") == std::string::npos,
                  "the root cgroup does not enable memory for its children");
    Ocirt ocirt;
    Bundle bundle;
    std::string id = unique_id("cgbeside");
    const std::string outer = "/sys/fs/cgroup/ocirt-caller-" + id;
    const std::string caller = outer + "/caller";
    REQUIRE(::mkdir(outer.c_str(), 0755) == 0);
    REQUIRE(::mkdir(caller.c_str(), 0755) == 0);
    bundle.config["linux"].erase("cgroupsPath");
    bundle.config["linux"]["resources"]["memory"]["limit"] = 48 << 20;
    bundle.config["process"]["args"] = {"sleep", "60"};
    bundle.write();

    // ocirt runs from `caller` (the shell moves itself there, then execs it); the container would have to
    // enable memory in the caller's cgroup.subtree_control to sit under it, and cgroup2 refuses that while
    // the caller's processes are there.
    TempDir files("ocirt-cgbeside");
    auto run = run_program_to_files(
        {"/bin/sh", "-c", "echo $$ > \"$0\"/cgroup.procs && shift && exec \"$@\"", caller, "--", ocirt_binary(),
         "--root", ocirt.root(), "run", "--detach", "--bundle", bundle.path(), id},
        files.path() + "/out", files.path() + "/err");
    INFO(run.err);
    CHECK(run.exit_code == 0);
    if (run.exit_code == 0) {
        auto state = nlohmann::json::parse(ocirt({"state", id}).out);
        std::string pid = std::to_string(state["pid"].get<int>());
        CHECK(first_line(read_file("/proc/" + pid + "/cgroup")) == "0::/ocirt-caller-" + id + "/" + id);
        CHECK(first_line(read_file(outer + "/" + id + "/memory.max")) == std::to_string(48 << 20));
    }
    CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
    CHECK_FALSE(fs::exists(outer + "/" + id));
    CHECK(eventually([&] { return ::rmdir(caller.c_str()) == 0; }));
    CHECK(::rmdir(outer.c_str()) == 0);
}
