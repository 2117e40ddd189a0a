// config-linux.md: namespaces (cgroup, user and time namespaces; errors for bad entries), user namespace
// mappings and time namespace offsets.
// Skipped: "path MUST be an absolute path" binds the config's author, not the runtime; the namespace
// types' SHOULD-be-supported list is covered by the cases that create each type.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "conformance.hpp"
#include "linux_support.hpp"

using namespace ocirt::conformance;
namespace fs = std::filesystem;

namespace {

// A user namespace whose root is host uid 100000 and gid 200000; the bundle is opened up for that root.
void add_user_namespace(SpecBundle& bundle) {
    fs::permissions(bundle.path(), fs::perms(0755));
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 200000}, {"size", 65536}}};
}

}  // namespace

TEST_CASE("config-linux.md#namespaces: a listed cgroup or user namespace without a path is new [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    add_user_namespace(bundle);
    bundle.config["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    auto r = run_container(runtime, bundle, "readlink /proc/self/ns/cgroup; readlink /proc/self/ns/user; cat /proc/self/cgroup");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto cgroup = lines_with(r.out, "cgroup:[");
    auto user = lines_with(r.out, "user:[");
    REQUIRE(cgroup.size() == 1);
    REQUIRE(user.size() == 1);
    CHECK(cgroup[0] != host_namespace("cgroup"));
    CHECK(user[0] != host_namespace("user"));
    // cgroups(7): in a new cgroup namespace the process's own cgroups are the root of its view.
    auto hierarchies = lines_with(r.out, ":/");
    CHECK_FALSE(hierarchies.empty());
    for (const auto& line : hierarchies) CHECK(line.substr(line.rfind(':')) == ":/");
}

TEST_CASE("config-linux.md#namespaces: a listed time namespace without a path is new [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "time"}});
    auto r = run_container(runtime, bundle, "readlink /proc/self/ns/time");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("time:[") == 0);
    CHECK(r.out != host_namespace("time") + "\n");
}

TEST_CASE("config-linux.md#offset-for-time-namespace: timeOffsets are the clocks' offsets in the time namespace [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "time"}});
    bundle.config["linux"]["timeOffsets"] = {{"monotonic", {{"secs", 86400}, {"nanosecs", 5}}},
                                             {"boottime", {{"secs", 7200}}}};
    auto r = run_container(runtime, bundle, "cat /proc/self/timens_offsets");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // time_namespaces(7): one "clock secs nanosecs" line per clock.
    auto monotonic = lines_with(r.out, "monotonic");
    auto boottime = lines_with(r.out, "boottime");
    REQUIRE(monotonic.size() == 1);
    REQUIRE(boottime.size() == 1);
    CHECK(words(monotonic[0]) == std::vector<std::string>{"monotonic", "86400", "5"});
    CHECK(words(boottime[0]) == std::vector<std::string>{"boottime", "7200", "0"});
}

TEST_CASE("config-linux.md#namespaces: two entries of the same type are an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["namespaces"].push_back({{"type", "ipc"}});
    auto r = run_container(runtime, bundle, "echo ran");
    CHECK_REFUSED(r);
    CHECK(r.out.find("ran") == std::string::npos);
}

TEST_CASE("config-linux.md#namespaces: a path that is not a namespace of the entry's type is an error [MUST]") {
    const std::string not_network[] = {"/proc/" + std::to_string(::getpid()) + "/ns/uts", "/proc/self/status"};
    for (const auto& path : not_network) {
        CAPTURE(path);
        Runtime runtime;
        SpecBundle bundle;
        for (auto& ns : bundle.config["linux"]["namespaces"])
            if (ns["type"] == "network") ns["path"] = path;
        auto r = run_container(runtime, bundle, "echo ran");
        CHECK_REFUSED(r);
        CHECK(r.out.find("ran") == std::string::npos);
    }
}

TEST_CASE("config-linux.md#user-namespace-mappings: the rootfs ownership is not changed to realize the mapping [SHOULD]") {
    Runtime runtime;
    SpecBundle bundle;
    add_user_namespace(bundle);
    auto r = run_container(runtime, bundle, "id -u; stat -c %u /bin/busybox");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // Unmapped host root shows as the overflow uid inside (user_namespaces(7)).
    CHECK(words(r.out) == std::vector<std::string>{"0", "65534"});
    for (const auto& path : {"/rootfs", "/rootfs/bin/busybox", "/rootfs/etc"}) {
        struct stat st {};
        REQUIRE(::lstat((bundle.path() + path).c_str(), &st) == 0);
        CHECK(st.st_uid == 0);
        CHECK(st.st_gid == 0);
    }
}

TEST_CASE("config-linux.md#user-namespace-mappings: every uid and gid mapping entry is written [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    fs::permissions(bundle.path(), fs::perms(0755));
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}});
    bundle.config["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 1000}},
                                             {{"containerID", 1000}, {"hostID", 300000}, {"size", 64536}}};
    bundle.config["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 200000}, {"size", 10}},
                                             {{"containerID", 10}, {"hostID", 400000}, {"size", 65526}}};
    auto r = run_container(runtime, bundle, "cat /proc/self/uid_map; echo gid; cat /proc/self/gid_map");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(words(r.out) == std::vector<std::string>{"0", "100000", "1000", "1000", "300000", "64536", "gid",
                                                   "0", "200000", "10", "10", "400000", "65526"});
}
