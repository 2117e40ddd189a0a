#include <doctest/doctest.h>
#include <sched.h>

#include "linux/idmap.hpp"
#include "plan/init_plan.hpp"
#include "runtime/default_spec.hpp"
#include "runtime/rootless.hpp"
#include "util/error.hpp"

using namespace ocirt;

namespace {

config::Config with_user_namespace(const std::optional<std::string>& user_path = std::nullopt) {
    config::Config c;
    c.ociVersion = "1.2.0";
    c.root.path = "rootfs";
    config::Process p;
    p.args = {"/bin/sh"};
    p.cwd = "/";
    c.process = p;
    config::Linux l;
    for (const char* t : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) l.namespaces.push_back({t, std::nullopt});
    l.namespaces.push_back({"user", user_path});
    l.uidMappings = {{0, 100000, 65536}, {65536, 1000, 1}};
    l.gidMappings = {{0, 200000, 1000}};
    c.linux_ = l;
    return c;
}

plan::Options options(bool rootless_euid) { return {"/bundle", false, 0, rootless_euid}; }

}  // namespace

TEST_CASE("idmap: one \"inside outside size\" line per range, as uid_map takes it") {
    CHECK(linux_::id_map_text({{0, 100000, 65536}}) == "0 100000 65536\n");
    CHECK(linux_::id_map_text({{0, 1000, 1}, {1, 100000, 65536}, {4294967294u, 4294967294u, 1}}) ==
          "0 1000 1\n1 100000 65536\n4294967294 4294967294 1\n");
    CHECK(linux_::id_map_text({}).empty());
}

TEST_CASE("plan: a new user namespace is made apart from the others, with the config's maps") {
    auto p = plan::make_init_plan(with_user_namespace(), {}, options(false));
    CHECK(p.new_user_namespace);
    CHECK((p.unshare_flags & CLONE_NEWUSER) == 0);
    CHECK(p.unshare_flags == (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS));
    CHECK(p.joins.empty());
    CHECK(linux_::id_map_text(p.id_maps.uid) == "0 100000 65536\n65536 1000 1\n");
    CHECK(linux_::id_map_text(p.id_maps.gid) == "0 200000 1000\n");
    CHECK_FALSE(p.id_maps.deny_setgroups);
}

TEST_CASE("plan: an unprivileged parent denies setgroups and cannot give additional groups") {
    auto c = with_user_namespace();
    auto p = plan::make_init_plan(c, {}, options(true));
    CHECK(p.id_maps.deny_setgroups);

    c.process->user.additionalGids = {10};
    try {
        plan::make_init_plan(c, {}, options(true));
        FAIL("additionalGids accepted with setgroups denied");
    } catch (const Error& e) {
        CHECK(e.json_pointer() == "/process/user/additionalGids");
        CHECK(std::string(e.what()).find("/process/user/additionalGids") != std::string::npos);
    }
    CHECK_NOTHROW(plan::make_init_plan(c, {}, options(false)));
}

TEST_CASE("plan: a user namespace given by path is joined first and none is made") {
    auto c = with_user_namespace(std::string("/proc/42/ns/user"));
    c.linux_->namespaces[1].path = "/proc/42/ns/net";
    c.linux_->uidMappings.clear();
    c.linux_->gidMappings.clear();
    auto p = plan::make_init_plan(c, {}, options(false));
    CHECK_FALSE(p.new_user_namespace);
    REQUIRE(p.joins.size() == 2);
    CHECK(p.joins[0].clone_flag == CLONE_NEWUSER);
    CHECK(p.joins[0].path == "/proc/42/ns/user");
    CHECK(p.joins[1].clone_flag == CLONE_NEWNET);
    CHECK((p.unshare_flags & (CLONE_NEWUSER | CLONE_NEWNET)) == 0);
    CHECK(p.id_maps.uid.empty());
}

TEST_CASE("rootless: the state root defaults to $XDG_RUNTIME_DIR/ocirt for a non-root user only") {
    CHECK(runtime::default_state_root(1000, "/run/user/1000") == "/run/user/1000/ocirt");
    CHECK(runtime::default_state_root(1000, nullptr) == "/run/ocirt");
    CHECK(runtime::default_state_root(1000, "") == "/run/ocirt");
    CHECK(runtime::default_state_root(0, "/run/user/0") == "/run/ocirt");
    // Root of a user namespace (rootless podman's conmon runs the runtime so) cannot write /run: runc's
    // shouldHonorXDGRuntimeDir takes XDG_RUNTIME_DIR there unless $USER is root.
    CHECK(runtime::default_state_root(0, "/run/user/1001", true, nullptr) == "/run/user/1001/ocirt");
    CHECK(runtime::default_state_root(0, "/run/user/1001", true, "tester") == "/run/user/1001/ocirt");
    CHECK(runtime::default_state_root(0, "/run/user/0", true, "root") == "/run/ocirt");
    CHECK(runtime::default_state_root(0, nullptr, true, nullptr) == "/run/ocirt");
}

TEST_CASE("rootless: --rootless takes auto, true or false") {
    CHECK(runtime::rootless_mode("true"));
    CHECK_FALSE(runtime::rootless_mode("false"));
    CHECK_THROWS_AS(runtime::rootless_mode("yes"), Error);
    const auto initial = linux_::parse_id_map("         0          0 4294967295\n");
    CHECK(runtime::rootless_mode("auto", 1000, initial));
    CHECK_FALSE(runtime::rootless_mode("auto", 0, initial));
    CHECK_FALSE(runtime::rootless_mode("", 0, initial));
    // Rootless podman's user namespace: 0 is the user, 1... its subordinate ids.
    const auto podman = linux_::parse_id_map("         0       1001          1\n         1     100000      65536\n");
    CHECK(runtime::rootless_mode("auto", 0, podman));
    CHECK_FALSE(runtime::rootless_mode("false", 0, podman));
    // A user namespace whose root is the host's root (made by root, mapping 0 to 0) is not rootless.
    CHECK_FALSE(runtime::rootless_mode("auto", 0, linux_::parse_id_map("0 0 65536\n")));
    CHECK(runtime::rootless_mode("auto", 0, linux_::parse_id_map("1 1000 1\n")));  // 0 unmapped
}

TEST_CASE("id maps: /proc/PID/uid_map text is parsed, the initial one recognised, ids mapped to the parent's") {
    auto ranges = linux_::parse_id_map("         0       1001          1\n         1     100000      65536\n");
    REQUIRE(ranges.size() == 2);
    CHECK(ranges[1].container_id == 1);
    CHECK(ranges[1].host_id == 100000);
    CHECK(ranges[1].size == 65536);
    CHECK(linux_::parent_id_of(0, ranges) == 1001u);
    CHECK(linux_::parent_id_of(1000, ranges) == 100999u);
    CHECK(linux_::parent_id_of(65536, ranges) == 165535u);
    CHECK_FALSE(linux_::parent_id_of(65537, ranges));
    CHECK_FALSE(linux_::is_initial_id_map(ranges));
    CHECK(linux_::is_initial_id_map(linux_::parse_id_map("0 0 4294967295\n")));
    CHECK(linux_::parse_id_map("garbage\n").empty());
    // This test process: the initial namespace, unless the suite itself runs in one.
    CHECK(runtime::in_user_namespace() == !linux_::is_initial_id_map(linux_::own_uid_map()));
}

TEST_CASE("spec --rootless: own ids mapped, no network namespace, /sys bound, no cgroup mount, devpts without gid") {
    auto s = runtime::default_spec(true, 1234, 5678);
    CHECK(s["linux"]["uidMappings"] == nlohmann::ordered_json::parse(R"([{"containerID":0,"hostID":1234,"size":1}])"));
    CHECK(s["linux"]["gidMappings"] == nlohmann::ordered_json::parse(R"([{"containerID":0,"hostID":5678,"size":1}])"));
    CHECK_FALSE(s["linux"].contains("resources"));
    std::vector<std::string> types;
    for (const auto& ns : s["linux"]["namespaces"]) types.push_back(ns["type"]);
    CHECK(std::find(types.begin(), types.end(), "user") != types.end());
    CHECK(std::find(types.begin(), types.end(), "network") == types.end());
    for (const auto& m : s["mounts"]) {
        CAPTURE(m.dump());
        CHECK(m["destination"] != "/sys/fs/cgroup");
        if (m["destination"] == "/sys") CHECK(m["options"][0] == "rbind");
        for (const auto& o : m.value("options", nlohmann::ordered_json::array()))
            CHECK(o.get<std::string>().rfind("gid=", 0) != 0);
    }
    auto rooted = runtime::default_spec(false, 0, 0);
    bool has_cgroup_mount = false;
    for (const auto& m : rooted["mounts"]) has_cgroup_mount = has_cgroup_mount || m["destination"] == "/sys/fs/cgroup";
    CHECK(has_cgroup_mount);
}
