// runtime.md "Lifecycle" step 2: updates to config.json after create MUST NOT affect the container. exec takes the
// container's process defaults and delete its poststop hooks from what create validated, whatever the
// bundle's config.json says by then.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"

namespace ocirt::test {
namespace {

namespace fs = std::filesystem;

void write_whole_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    REQUIRE(out.good());
}

// process.env and process.cwd mark which config an exec got; the poststop hook writes `mark` to `marker`.
void mark_config(nlohmann::json& config, const std::string& mark, const std::string& marker) {
    config["process"]["env"] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "SNAPSHOT_MARK=" + mark};
    config["process"]["cwd"] = mark == "create" ? "/tmp" : "/";
    config["hooks"]["poststop"] = {
        {{"path", "/bin/sh"}, {"args", {"sh", "-c", "echo " + mark + " > " + marker}}}};
}

std::string container_status(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"state", id});
    return r.exit_code == 0 ? nlohmann::json::parse(r.out).value("status", "") : "";
}

void stop_and_delete(const Ocirt& ocirt, const std::string& id) {
    REQUIRE(ocirt({"kill", id, "9"}).exit_code == 0);
    REQUIRE(eventually([&] { return container_status(ocirt, id) == "stopped"; }));
    Result deleted = ocirt({"delete", id});
    INFO(deleted.err);
    CHECK(deleted.exit_code == 0);
    CHECK(deleted.err == "");
}

}  // namespace

TEST_CASE("config snapshot: exec and delete use the config.json of create, not the bundle's as changed since") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-snapshot");
    std::string marker = files.path() + "/poststop";
    bundle.config["process"]["args"] = {"sleep", "1000"};
    mark_config(bundle.config, "create", marker);
    RunningContainer container(ocirt, bundle, "snapshot");
    std::string created_text = read_file(bundle.path() + "/config.json");

    // The copy is the bytes create read, private to root (it may hold secrets in process.env).
    std::string copy = ocirt.state_dir(container.id()) + "/config.json";
    CHECK(read_file(copy) == created_text);
    struct stat st {};
    REQUIRE(::stat(copy.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);

    SUBCASE("the bundle's config.json changed") {
        nlohmann::json changed = bundle.config;
        mark_config(changed, "changed", marker);
        write_whole_file(bundle.path() + "/config.json", changed.dump());
    }
    SUBCASE("the bundle's config.json is no longer JSON") {
        write_whole_file(bundle.path() + "/config.json", "{ this is not json");
    }
    SUBCASE("the bundle's config.json is gone") {
        fs::remove(bundle.path() + "/config.json");
    }

    Result env = ocirt({"exec", container.id(), "sh", "-c", "echo $SNAPSHOT_MARK; pwd"});
    INFO(env.err);
    CHECK(env.exit_code == 0);
    CHECK(env.out == "create\n/tmp\n");
    // A --process file replaces only the process; the rest (here: the namespaces to join) is still create's.
    nlohmann::json process = {{"args", {"sh", "-c", "echo $SNAPSHOT_MARK"}}, {"cwd", "/"}, {"env", {"SNAPSHOT_MARK=file"}},
                              {"user", {{"uid", 0}, {"gid", 0}}}};
    write_whole_file(files.path() + "/process.json", process.dump());
    Result from_file = ocirt({"exec", "--process", files.path() + "/process.json", container.id()});
    INFO(from_file.err);
    CHECK(from_file.exit_code == 0);
    CHECK(from_file.out == "file\n");

    stop_and_delete(ocirt, container.id());
    CHECK(read_file(marker) == "create\n");
    CHECK_FALSE(fs::exists(ocirt.state_dir(container.id())));
}

TEST_CASE("config snapshot: a container made without the copy (an older ocirt) execs with the bundle's config") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-snapshot");
    std::string marker = files.path() + "/poststop";
    bundle.config["process"]["args"] = {"sleep", "1000"};
    mark_config(bundle.config, "create", marker);
    RunningContainer container(ocirt, bundle, "snapshot-old");
    REQUIRE(fs::remove(ocirt.state_dir(container.id()) + "/config.json"));
    nlohmann::json changed = bundle.config;
    mark_config(changed, "changed", marker);
    write_whole_file(bundle.path() + "/config.json", changed.dump());

    std::string log = files.path() + "/debug.log";
    Result env = ocirt({"--debug", "--log", log, "exec", container.id(), "sh", "-c", "echo $SNAPSHOT_MARK"});
    INFO(env.err);
    CHECK(env.exit_code == 0);
    CHECK(env.out == "changed\n");
    CHECK(env.err == "");
    CHECK(read_file(log).find("holds no copy of the config from create") != std::string::npos);

    // A bundle config that no longer loads fails the exec, naming the file.
    write_whole_file(bundle.path() + "/config.json", "{ this is not json");
    Result bad = ocirt({"exec", container.id(), "true"});
    CHECK(bad.exit_code == 1);
    CHECK(bad.err.find(bundle.path() + "/config.json") != std::string::npos);

    // Hooks were always kept in state.json: delete runs create's poststop all the same.
    stop_and_delete(ocirt, container.id());
    CHECK(read_file(marker) == "create\n");
}

}  // namespace ocirt::test
