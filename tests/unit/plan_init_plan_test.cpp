#include <doctest/doctest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "plan/init_plan.hpp"
#include "plan/mount_options.hpp"
#include "plan_helpers.hpp"
#include "util/error.hpp"

using namespace ocirt;
using plan_test::error_of;
using plan::MountStep;

namespace {

config::Config busybox_like() {
    config::Config c;
    c.ociVersion = "1.2.0";
    c.root.path = "rootfs";
    c.root.readonly = true;
    config::Process p;
    p.args = {"/bin/sh"};
    p.env = {"PATH=/bin"};
    p.cwd = "/";
    p.user.uid = 1000;
    p.user.gid = 100;
    p.user.additionalGids = {10, 20};
    p.rlimits = {{"RLIMIT_NOFILE", 1024, 1024}};
    c.process = p;
    c.hostname = "box";
    c.mounts = {
        {"/proc", "proc", {}, "proc", {}, {}},
        {"/dev", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}, "tmpfs", {}, {}},
        {"/sys/fs/cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}, "cgroup", {}, {}},
        {"/data", "data", {"rbind", "ro", "rprivate"}, std::nullopt, {}, {}},
    };
    config::Linux l;
    for (const char* t : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) l.namespaces.push_back({t, std::nullopt});
    c.linux_ = l;
    return c;
}

plan::HostFacts hybrid_host() {
    plan::HostFacts h;
    h.cgroup_hierarchies = {{"cpu,cpuacct", "cpu,cpuacct", false, ""},
                            {"systemd", "name=systemd", false, ""},
                            {"unified", "", true, ""}};
    return h;
}

}  // namespace

TEST_CASE("plan: mount options split into flags, propagation and data") {
    auto o = plan::parse_mount_options({"nosuid", "noexec", "nodev", "ro", "mode=755", "size=65536k", "strictatime"});
    CHECK(o.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY | MS_STRICTATIME));
    CHECK(o.data == "mode=755,size=65536k");
    CHECK_FALSE(o.bind);
    auto b = plan::parse_mount_options({"rbind", "rw", "rslave", "newinstance"});
    CHECK(b.bind);
    CHECK(b.recursive);
    CHECK(b.flags == (MS_BIND | MS_REC));
    CHECK(b.propagation == (MS_SLAVE | MS_REC));
    CHECK(b.data == "newinstance");
    CHECK(plan::parse_mount_options({"ro", "rw"}).flags == 0);
    CHECK(plan::parse_mount_options({"dev", "suid", "exec"}).flags == 0);
}

TEST_CASE("plan: namespaces become unshare flags, joins and a second fork for a PID namespace") {
    auto c = busybox_like();
    c.linux_->namespaces[1].path = "/proc/1/ns/net";
    auto p = plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0});
    CHECK(p.unshare_flags == (CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS));
    REQUIRE(p.joins.size() == 1);
    CHECK(p.joins[0].type == "network");
    CHECK(p.joins[0].clone_flag == CLONE_NEWNET);
    CHECK(p.joins[0].path == "/proc/1/ns/net");
    CHECK(p.new_cgroup_namespace);
    CHECK(p.second_fork);
    CHECK(p.has_mount_namespace);

    c.linux_->namespaces.erase(c.linux_->namespaces.begin());
    CHECK_FALSE(plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0}).second_fork);
}

TEST_CASE("plan: a user namespace path is joined before the others") {
    auto c = busybox_like();
    c.linux_->namespaces.push_back({"user", std::string("/proc/1/ns/user")});
    c.linux_->namespaces[0].path = "/proc/1/ns/pid";
    auto p = plan::make_init_plan(c, hybrid_host(), {"/b", false, 0});
    REQUIRE(p.joins.size() == 2);
    CHECK(p.joins[0].type == "user");
    CHECK(p.joins[1].type == "pid");
    CHECK(p.second_fork);
}

TEST_CASE("plan: mounts keep their order, binds resolve against the bundle, cgroup follows the host") {
    auto p = plan::make_init_plan(busybox_like(), hybrid_host(), {"/bundle", false, 0});
    REQUIRE(p.mounts.size() == 4);
    CHECK(p.mounts[0].kind == MountStep::Kind::filesystem);
    CHECK(p.mounts[0].type == "proc");
    CHECK(p.mounts[1].destination == "/dev");
    CHECK(p.mounts[1].data == "mode=755,size=65536k");
    CHECK(p.mounts[2].kind == MountStep::Kind::cgroup);
    CHECK((p.mounts[2].flags & MS_RDONLY) != 0);
    CHECK(p.cgroup_hierarchies.size() == 3);
    CHECK(p.mounts[3].kind == MountStep::Kind::bind);
    CHECK(p.mounts[3].source == "/bundle/data");
    CHECK(p.mounts[3].recursive);
    CHECK(p.mounts[3].flags == MS_RDONLY);
    CHECK(p.mounts[3].propagation == (MS_PRIVATE | MS_REC));
    CHECK(p.setup_dev);
    CHECK(p.rootfs == "/bundle/rootfs");
    CHECK(p.readonly_root);

    plan::HostFacts v2;
    v2.cgroup2_only = true;
    auto p2 = plan::make_init_plan(busybox_like(), v2, {"/bundle", false, 0});
    CHECK(p2.mounts[2].kind == MountStep::Kind::filesystem);
    CHECK(p2.mounts[2].type == "cgroup2");
}

TEST_CASE("plan: /dev bound from the host means no default devices") {
    auto c = busybox_like();
    c.mounts[1] = {"/dev", "/dev", {"rbind"}, "bind", {}, {}};
    CHECK_FALSE(plan::make_init_plan(c, hybrid_host(), {"/b", false, 0}).setup_dev);
}

TEST_CASE("plan: root propagation defaults to rslave and follows rootfsPropagation") {
    auto p = plan::make_init_plan(busybox_like(), hybrid_host(), {"/b", false, 0});
    CHECK(p.root_propagation == (MS_SLAVE | MS_REC));
    CHECK(p.root_propagation_after_pivot == 0);
    auto c = busybox_like();
    c.linux_->rootfsPropagation = "private";
    auto q = plan::make_init_plan(c, hybrid_host(), {"/b", false, 0});
    CHECK(q.root_propagation == MS_PRIVATE);
    CHECK(q.root_propagation_after_pivot == MS_PRIVATE);
    // The recursive forms Docker, podman and containerd's CRI plugin send.
    for (auto [name, flags] : {std::pair{"rslave", MS_SLAVE | MS_REC}, std::pair{"rshared", MS_SHARED | MS_REC},
                               std::pair{"rprivate", MS_PRIVATE | MS_REC}, std::pair{"runbindable", MS_UNBINDABLE | MS_REC}}) {
        c.linux_->rootfsPropagation = name;
        auto r = plan::make_init_plan(c, hybrid_host(), {"/b", false, 0});
        CHECK(r.root_propagation == flags);
        CHECK(r.root_propagation_after_pivot == flags);
    }
}

TEST_CASE("plan: the process part carries identity, rlimits and defaults") {
    auto c = busybox_like();
    c.process->cwd = "";
    auto p = plan::make_init_plan(c, hybrid_host(), {"/b", true, 2});
    CHECK(p.process.uid == 1000);
    CHECK(p.process.gid == 100);
    CHECK(p.process.additional_gids == std::vector<gid_t>{10, 20});
    CHECK(p.process.cwd == "/");
    CHECK(p.process.umask == 022);
    REQUIRE(p.process.rlimits.size() == 1);
    CHECK(p.process.rlimits[0].resource == RLIMIT_NOFILE);
    CHECK(p.no_pivot);
    CHECK(p.preserve_fds == 2);
    CHECK(p.hostname == "box");
}

TEST_CASE("plan: what cannot be planned is an Error naming the JSON pointer") {
    auto c = busybox_like();
    c.process->rlimits[0].type = "RLIMIT_BOGUS";
    auto e = error_of([&] { plan::make_init_plan(c, hybrid_host(), {"/b", false, 0}); });
    CHECK(e.full() == "/process/rlimits/0/type: unknown rlimit type \"RLIMIT_BOGUS\" (see getrlimit(2))");

    c = busybox_like();
    c.linux_->namespaces.erase(c.linux_->namespaces.begin() + 4);
    CHECK_FALSE(plan::make_init_plan(c, hybrid_host(), {"/b", false, 0}).has_mount_namespace);

    c = busybox_like();
    c.mounts[0].type.reset();
    CHECK(error_of([&] { plan::make_init_plan(c, hybrid_host(), {"/b", false, 0}); }).json_pointer() == "/mounts/0/type");

    c = busybox_like();
    c.process->args.clear();
    CHECK(error_of([&] { plan::make_init_plan(c, hybrid_host(), {"/b", false, 0}); }).json_pointer() == "/process/args");
}

TEST_CASE("plan: without a cgroup namespace a cgroup mount binds the container's own cgroup directories") {
    auto with_namespaces = [](std::vector<std::string> types) {
        auto c = busybox_like();
        c.linux_->namespaces.clear();
        for (const auto& t : types) c.linux_->namespaces.push_back({t, std::nullopt});
        return plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0}).bind_host_cgroups;
    };
    CHECK(with_namespaces({"user", "mount", "pid"}));
    CHECK_FALSE(with_namespaces({"user", "mount", "pid", "cgroup"}));
    CHECK(with_namespaces({"mount", "pid"}));
    CHECK_FALSE(with_namespaces({"mount", "pid", "cgroup"}));
}

TEST_CASE("plan: the plan carries the session keyring when the options name the container, none otherwise") {
    auto c = busybox_like();
    CHECK_FALSE(plan::make_init_plan(c, hybrid_host(), {"/b", false, 0}).session_keyring);
    auto p = plan::make_init_plan(c, hybrid_host(), {"/b", false, 0, false, "abc"});
    REQUIRE(p.session_keyring);
    CHECK(p.session_keyring->name == "_ses.abc");
    CHECK(p.session_keyring->add_permissions == 0x00080000u);
    c.linux_->namespaces.push_back({"user", std::nullopt});
    c.linux_->uidMappings = {{0, 100000, 65536}};
    c.linux_->gidMappings = {{0, 100000, 65536}};
    auto u = plan::make_init_plan(c, hybrid_host(), {"/b", false, 0, false, "abc"});
    REQUIRE(u.session_keyring);
    CHECK(u.session_keyring->add_permissions == 0x00000008u);
}

TEST_CASE("plan: linux.netDevices become the devices the parent moves, into a new or a joined network namespace") {
    auto c = busybox_like();
    c.linux_->netDevices["veth3"] = config::NetDevice{std::string("eth%d")};
    c.linux_->netDevices["eth1"] = config::NetDevice{std::nullopt};
    auto p = plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0});
    REQUIRE(p.net_devices.size() == 2);
    CHECK(p.net_devices[0].host_name == "eth1");
    CHECK(p.net_devices[0].name == "eth1");
    CHECK_FALSE(p.net_devices[0].pattern);
    CHECK(p.net_devices[0].pointer == "/linux/netDevices/eth1");
    CHECK(p.net_devices[1].name == "eth%d");
    CHECK(p.net_devices[1].pattern);
    // A path-joined network namespace is the container's too.
    c.linux_->namespaces[1].path = "/proc/1/ns/net";
    CHECK(plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0}).net_devices.size() == 2);
    // Without uid 0 the runtime has no CAP_NET_ADMIN over its own network namespace to move a device out of.
    Error rootless = error_of([&] { plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0, true}); });
    CHECK(rootless.json_pointer() == "/linux/netDevices/eth1");
    CHECK(rootless.message().find("CAP_NET_ADMIN") != std::string::npos);
    // The rule net-devices refuses it at load; the plan never moves a device into the runtime's own namespace.
    c.linux_->namespaces.erase(c.linux_->namespaces.begin() + 1);
    CHECK(error_of([&] { plan::make_init_plan(c, hybrid_host(), {"/bundle", false, 0}); }).json_pointer() == "/linux/netDevices/eth1");
}
