// Where create puts the container's cgroup and what delete removes: the directories create made, the
// parents included, and nothing that was there before.
#include <doctest/doctest.h>

#include <filesystem>
#include <vector>

#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

TEST_CASE("cgroups: delete removes the parents create made for an absolute cgroupsPath and keeps the one that was there") {
    OCIRT_SKIP_IF(systemd_cgroup_driver(), "a cgroupfs path's parents; the systemd driver makes a unit, not directories");
    Ocirt ocirt;
    Bundle bundle;
    std::string id = unique_id("cgparents");
    std::string kept = "/ocirt-kept-" + id;
    auto hierarchies = hierarchy_mounts();  // v1 ones and the cgroup2 mount, from the mount table
    REQUIRE_FALSE(hierarchies.empty());
    for (const auto& h : hierarchies) REQUIRE(fs::create_directory(h + kept));
    bundle.config["linux"]["cgroupsPath"] = kept + "/made/deeper/" + id;
    bundle.config["process"]["args"] = {"sleep", "60"};
    bundle.write();
    TempDir files("ocirt-cgparents");
    // The created init keeps its stdio until start, so its output goes to files, not to pipes read to EOF.
    auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/out", files.path() + "/err");
    INFO(created.err);
    CHECK(created.exit_code == 0);
    for (const auto& h : hierarchies) CHECK(fs::is_directory(h + kept + "/made/deeper/" + id));
    auto deleted = ocirt({"delete", "--force", id});
    CHECK(deleted.exit_code == 0);
    for (const auto& h : hierarchies) {
        CAPTURE(h);
        CHECK_FALSE(fs::exists(h + kept + "/made"));
        CHECK(fs::is_directory(h + kept));
        fs::remove(h + kept);
    }
}
