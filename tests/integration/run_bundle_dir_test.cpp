// `ocirt run DIR`: a lone argument that is no valid container ID but a directory holding a config.json, with
// no --bundle, is the bundle, and the container is named after the directory. A valid ID keeps runc's meaning.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "cgroup_command_helpers.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

TEST_CASE("run DIR: a directory given instead of an ID is the bundle; the container is named after it and run exits with its status") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("echo ran-from-dir; exit 3");
    bundle.write();
    std::string name = fs::path(bundle.path()).filename().string();
    Result r = ocirt({"--debug", "run", bundle.path()});
    INFO(r.err);
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("ran-from-dir") != std::string::npos);
    CHECK(r.err.find("is a bundle; container ID \"" + name + "\"") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(name)));  // deleted once it exited, as run does
}

TEST_CASE("run DIR: the name is made unique among the containers under --root; a valid ID is still an ID") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 100");
    bundle.write();
    std::string name = fs::path(bundle.path()).filename().string();
    TempDir files("ocirt-run-dir");
    REQUIRE(run_to_files(ocirt, {"run", "-d", "--bundle", bundle.path(), name}, files.path() + "/out", files.path() + "/err").exit_code == 0);
    Result second = run_to_files(ocirt, {"--debug", "run", "-d", bundle.path() + "/"}, files.path() + "/out2", files.path() + "/err2");
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    CHECK(second.err.find("container ID \"" + name + "-2\"") != std::string::npos);
    CHECK(status_of(ocirt, name) == "running");
    CHECK(status_of(ocirt, name + "-2") == "running");

    // An argument that is a valid ID names the container, and the bundle is the current directory, as runc has it.
    Result as_id = ocirt({"run", "-d", "no-such-bundle-here"});
    CHECK(as_id.exit_code == 1);
    CHECK(as_id.err.find("config.json") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir("no-such-bundle-here")));
    // A directory without a config.json is no bundle: the current directory's config.json is looked for, as before.
    Result no_config = ocirt({"run", "-d", files.path()});
    CHECK(no_config.exit_code == 1);
    CHECK(no_config.err.find("config.json") != std::string::npos);
    CHECK(no_config.err.find(files.path()) == std::string::npos);
}
