#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cgroups/drivers.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"

namespace fs = std::filesystem;
using namespace ocirt::test;


namespace {

Result ocirt_to_files(const Ocirt& ocirt, const std::vector<std::string>& args) {
    TempDir out_dir("ocirt-lifecycle-out");
    return run_to_files(ocirt, args, out_dir.path() + "/out", out_dir.path() + "/err");
}

nlohmann::json lifecycle_state(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"state", id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(r.out);
}

std::string lifecycle_status(const Ocirt& ocirt, const std::string& id) { return lifecycle_state(ocirt, id)["status"]; }

bool wait_status(const Ocirt& ocirt, const std::string& id, const std::string& status) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        if (lifecycle_status(ocirt, id) == status) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

std::string listed_status(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"list", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    auto list = nlohmann::json::parse(r.out);
    if (list.is_array())
        for (const auto& c : list)
            if (c["id"] == id) return c["status"];
    return "";
}

// The cgroup the container was placed in, read back from its state.json.
std::unique_ptr<ocirt::cgroups::Manager> cgroup_of(const Ocirt& ocirt, const std::string& id) {
    auto record = nlohmann::json::parse(read_file(ocirt.state_dir(id) + "/state.json"));
    return ocirt::cgroups::open_recorded(ocirt::cgroups::RecordedCgroup::read_from(record));
}

void create(const Ocirt& ocirt, Bundle& bundle, const std::string& id) {
    bundle.write();
    Result r = ocirt_to_files(ocirt, {"create", "--bundle", bundle.path(), id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

void run_detached(const Ocirt& ocirt, Bundle& bundle, const std::string& id) {
    create(ocirt, bundle, id);
    Result r = ocirt_to_files(ocirt, {"start", id});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
}

}  // namespace

TEST_CASE("lifecycle: creating → created → running → stopped → deleted, seen by state and list") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "100"};
    bundle.config["annotations"] = {{"org.ocirt.test", "lifecycle"}};
    std::string id = unique_id("life");

    CHECK(ocirt({"list", "-q"}).out == "");
    create(ocirt, bundle, id);
    auto created = lifecycle_state(ocirt, id);
    CHECK(created["status"] == "created");
    CHECK(created["id"] == id);
    CHECK(created["ociVersion"] == bundle.config["ociVersion"]);
    CHECK(created["bundle"] == fs::canonical(bundle.path()).string());
    CHECK(created["annotations"]["org.ocirt.test"] == "lifecycle");
    pid_t pid = created["pid"];
    CHECK(pid > 0);
    CHECK(kill(pid, 0) == 0);  // the init is a real process on the host
    CHECK(listed_status(ocirt, id) == "created");
    CHECK(ocirt({"list", "-q"}).out == id + "\n");
    Result table = ocirt({"list"});
    CHECK(table.out.rfind("ID ", 0) == 0);
    CHECK(table.out.find(id) != std::string::npos);

    REQUIRE(ocirt_to_files(ocirt, {"start", id}).exit_code == 0);
    CHECK(lifecycle_status(ocirt, id) == "running");
    CHECK(listed_status(ocirt, id) == "running");
    CHECK(lifecycle_state(ocirt, id)["pid"] == pid);

    REQUIRE(ocirt({"kill", id, "KILL"}).exit_code == 0);
    CHECK(wait_status(ocirt, id, "stopped"));
    CHECK(lifecycle_state(ocirt, id)["pid"] == 0);
    CHECK(listed_status(ocirt, id) == "stopped");

    auto cgroup = cgroup_of(ocirt, id);
    Result del = ocirt({"delete", id});
    CHECK_MESSAGE(del.exit_code == 0, del.err);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    for (const auto& p : cgroup->placements()) CHECK_FALSE(fs::exists(p.directory()));
    Result gone = ocirt({"state", id});
    CHECK(gone.exit_code == 1);
    CHECK(gone.err.find("does not exist") != std::string::npos);
    CHECK(listed_status(ocirt, id) == "");
}

TEST_CASE("lifecycle: wrong calls fail with a clear error, exit 1, and change nothing") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "100"};
    std::string created_id = unique_id("wrong-created");
    std::string running_id = unique_id("wrong-running");
    create(ocirt, bundle, created_id);
    run_detached(ocirt, bundle, running_id);

    SUBCASE("delete of a created container without --force") {
        Result r = ocirt({"delete", created_id});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("stop it first or use --force") != std::string::npos);
        CHECK(lifecycle_status(ocirt, created_id) == "created");
    }
    SUBCASE("delete of a running container without --force") {
        Result r = ocirt({"delete", running_id});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("is running; stop it first or use --force") != std::string::npos);
        CHECK(lifecycle_status(ocirt, running_id) == "running");
    }
    SUBCASE("start of a running container") {
        Result r = ocirt_to_files(ocirt, {"start", running_id});
        CHECK(r.exit_code == 1);
        CHECK_FALSE(r.err.empty());
        CHECK(lifecycle_status(ocirt, running_id) == "running");
    }
    SUBCASE("start of a stopped container") {
        REQUIRE(ocirt({"kill", running_id, "9"}).exit_code == 0);
        REQUIRE(wait_status(ocirt, running_id, "stopped"));
        Result r = ocirt_to_files(ocirt, {"start", running_id});
        CHECK(r.exit_code == 1);
        CHECK_FALSE(r.err.empty());
        CHECK(lifecycle_status(ocirt, running_id) == "stopped");
    }
    SUBCASE("kill of a stopped container") {
        REQUIRE(ocirt({"kill", running_id, "KILL"}).exit_code == 0);
        REQUIRE(wait_status(ocirt, running_id, "stopped"));
        Result r = ocirt({"kill", running_id, "KILL"});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("not running") != std::string::npos);
    }
    SUBCASE("create with an existing ID") {
        Result r = ocirt_to_files(ocirt, {"create", "--bundle", bundle.path(), created_id});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("already exists") != std::string::npos);
        CHECK(lifecycle_status(ocirt, created_id) == "created");
    }
    SUBCASE("kill, state and delete of an unknown ID; a bad signal name") {
        for (std::vector<std::string> args : {std::vector<std::string>{"kill", "no-such-id"},
                                             {"state", "no-such-id"},
                                             {"delete", "no-such-id"}}) {
            Result r = ocirt(args);
            CHECK(r.exit_code == 1);
            CHECK(r.err.find("container \"no-such-id\" does not exist") != std::string::npos);
        }
        Result bad = ocirt({"kill", running_id, "SIGFOO"});
        CHECK(bad.exit_code == 1);
        CHECK(bad.err.find("unknown signal \"SIGFOO\"") != std::string::npos);
        CHECK(lifecycle_status(ocirt, running_id) == "running");
    }
    CHECK(ocirt({"list", "-q"}).out.find(created_id) != std::string::npos);
}

TEST_CASE("lifecycle: kill by name reaches a TERM trap; kill by number stops a sleeping init") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("trap 'exit 0' TERM; while true; do sleep 0.05; done");
    std::string trapped = unique_id("kill-term");
    run_detached(ocirt, bundle, trapped);
    CHECK(ocirt({"kill", trapped, "sigterm"}).exit_code == 0);
    CHECK(wait_status(ocirt, trapped, "stopped"));

    Bundle sleeper;
    sleeper.config["process"]["args"] = {"sleep", "100"};
    std::string numbered = unique_id("kill-9");
    run_detached(ocirt, sleeper, numbered);
    CHECK(ocirt({"kill", numbered, "15"}).exit_code == 0);  // PID 1 without a handler ignores TERM
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(lifecycle_status(ocirt, numbered) == "running");
    CHECK(ocirt({"kill", numbered, "9"}).exit_code == 0);
    CHECK(wait_status(ocirt, numbered, "stopped"));
}

TEST_CASE("lifecycle: kill --all signals every process in the cgroup, not only the init") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 100 & sleep 101 & wait");
    std::string id = unique_id("kill-all");
    run_detached(ocirt, bundle, id);
    auto cgroup = cgroup_of(ocirt, id);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (cgroup->pids().size() < 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(cgroup->pids().size() == 3);

    CHECK(ocirt({"kill", id, "TERM"}).exit_code == 0);  // the init (sh as PID 1) ignores it
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(cgroup->pids().size() == 3);
    CHECK(lifecycle_status(ocirt, id) == "running");

    CHECK(ocirt({"kill", "--all", id, "TERM"}).exit_code == 0);  // the sleeps die, so `wait` returns
    CHECK(wait_status(ocirt, id, "stopped"));
    CHECK(cgroup->pids().empty());
    CHECK_FALSE(cgroup->frozen());
}

TEST_CASE("lifecycle: delete --force of a running container leaves no process, cgroup or state directory") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 100 & sleep 100");
    std::string id = unique_id("force");
    run_detached(ocirt, bundle, id);
    auto cgroup = cgroup_of(ocirt, id);
    pid_t pid = lifecycle_state(ocirt, id)["pid"];
    REQUIRE_FALSE(cgroup->pids().empty());
    REQUIRE_FALSE(cgroup->placements().empty());

    Result r = ocirt({"delete", "--force", id});
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    for (const auto& p : cgroup->placements()) CHECK_FALSE(fs::exists(p.directory()));
    auto alive = [&] {
        std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
        auto paren = stat.rfind(')');
        return paren != std::string::npos && stat.size() > paren + 2 && stat[paren + 2] != 'Z';
    };
    CHECK_FALSE(alive());
}

TEST_CASE("lifecycle: delete --force of a created container and of an unknown ID") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "100"};
    std::string id = unique_id("force-created");
    create(ocirt, bundle, id);
    CHECK(ocirt({"delete", "-f", id}).exit_code == 0);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));

    Result unknown = ocirt({"delete", "-f", "never-created"});
    CHECK(unknown.exit_code == 0);
    CHECK(unknown.err.empty());
    CHECK(ocirt({"delete", "never-created"}).exit_code == 1);
}

TEST_CASE("lifecycle: spec writes a config that check accepts, and never overwrites one") {
    TempDir dir;
    Result r = run_program({ocirt_binary(), "spec", "--bundle", dir.path()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto config = nlohmann::json::parse(read_file(dir.path() + "/config.json"));
    CHECK(config["process"]["args"] == nlohmann::json::array({"sh"}));
    CHECK(config["process"]["terminal"] == true);
    CHECK(config["root"]["path"] == "rootfs");
    fs::create_directory(dir.path() + "/rootfs");
    Result check = run_program({ocirt_binary(), "check", "--bundle", dir.path()});
    CHECK_MESSAGE(check.exit_code == 0, check.err);

    std::string before = read_file(dir.path() + "/config.json");
    Result again = run_program({ocirt_binary(), "spec", "--bundle", dir.path()});
    CHECK(again.exit_code == 1);
    CHECK(again.err.find("exists") != std::string::npos);
    CHECK(read_file(dir.path() + "/config.json") == before);

    TempDir rootless;
    REQUIRE(run_program({ocirt_binary(), "spec", "--rootless", "-b", rootless.path()}).exit_code == 0);
    auto rc = nlohmann::json::parse(read_file(rootless.path() + "/config.json"));
    CHECK(rc["linux"]["uidMappings"][0]["hostID"] == geteuid());
    CHECK(rc["linux"]["uidMappings"][0]["size"] == 1);
    CHECK(rc["linux"]["gidMappings"][0]["hostID"] == getegid());
    bool has_user_ns = false;
    for (const auto& ns : rc["linux"]["namespaces"]) has_user_ns = has_user_ns || ns["type"] == "user";
    CHECK(has_user_ns);
}
