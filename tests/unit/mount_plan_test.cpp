#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "plan/init_plan.hpp"
#include "plan/mount_plan.hpp"
#include "plan_helpers.hpp"
#include "util/error.hpp"

using namespace ocirt;
using plan_test::error_of;

namespace {

config::Config with_mounts(std::vector<config::Mount> mounts) {
    config::Config c;
    c.mounts = std::move(mounts);
    c.linux_ = config::Linux{};
    return c;
}

}  // namespace

TEST_CASE("mount plan: a bind keeps its flags, r* attributes and idmap with the mount's own mappings") {
    config::Mount m{"data", "shared", {"rbind", "ro", "rnoexec", "ridmap", "rslave"}, std::nullopt, {{0, 2000, 10}}, {{0, 3000, 10}}};
    auto steps = plan::plan_mounts(with_mounts({m}), {}, {"/bundle", false, 0});
    REQUIRE(steps.size() == 1);
    const auto& s = steps[0];
    CHECK(s.kind == plan::MountStep::Kind::bind);
    CHECK(s.destination == "/data");
    CHECK(s.source == "/bundle/shared");
    CHECK(s.recursive);
    CHECK(s.flags == MS_RDONLY);
    CHECK(s.recursive_attr_set == MOUNT_ATTR_NOEXEC);
    CHECK(s.propagation == (MS_SLAVE | MS_REC));
    CHECK(s.idmap);
    CHECK(s.idmap_recursive);
    REQUIRE(s.uid_mappings.size() == 1);
    CHECK(s.uid_mappings[0].host_id == 2000);
    CHECK(s.gid_mappings[0].host_id == 3000);
}

TEST_CASE("mount plan: idmap on a mount that is not a bind names the option's pointer") {
    config::Mount m{"/x", "tmpfs", {"nosuid", "idmap"}, "tmpfs", {{0, 1, 1}}, {{0, 1, 1}}};
    auto e = error_of([&] { plan::plan_mounts(with_mounts({{"/y", "tmpfs", {}, "tmpfs", {}, {}}, m}), {}, {"/b", false, 0}); });
    CHECK(e.json_pointer() == "/mounts/1/options/1");
    CHECK(e.full() == "/mounts/1/options/1: an idmapped mount must be a bind mount (add \"bind\" or \"rbind\")");
}

TEST_CASE("mount plan: a bind mount without a source names /mounts/N/source") {
    config::Mount m{"/data", std::nullopt, {"rbind"}, std::nullopt, {}, {}};
    auto e = error_of([&] { plan::plan_mounts(with_mounts({{"/y", "tmpfs", {}, "tmpfs", {}, {}}, m}), {}, {"/b", false, 0}); });
    CHECK(e.full() == "/mounts/1/source: a bind mount needs a source");
    m.options = {};
    m.type = "bind";
    m.source = "";
    CHECK(error_of([&] { plan::plan_mounts(with_mounts({m}), {}, {"/b", false, 0}); }).full() ==
          "/mounts/0/source: a bind mount needs a source");
    m = {"/x", "src", {"nosuid"}, std::nullopt, {}, {}};
    CHECK(error_of([&] { plan::plan_mounts(with_mounts({m}), {}, {"/b", false, 0}); }).full() ==
          "/mounts/0/type: a mount that is not a bind mount needs a type");
}

TEST_CASE("mount plan: linux.mountLabel is ignored without SELinux and becomes context= with it") {
    auto c = with_mounts({{"/tmp", "tmpfs", {"mode=1777"}, "tmpfs", {}, {}}, {"/data", "/srv", {"bind"}, std::nullopt, {}, {}}});
    c.linux_->mountLabel = "system_u:object_r:container_file_t:s0";
    auto without = plan::plan_mounts(c, {}, {"/b", false, 0});
    CHECK(without[0].data == "mode=1777");
    plan::HostFacts selinux_host;
    selinux_host.security.selinux = true;
    auto steps = plan::plan_mounts(c, selinux_host, {"/b", false, 0});
    CHECK(steps[0].data == "mode=1777,context=\"system_u:object_r:container_file_t:s0\"");
    CHECK(steps[1].data.empty());
}

TEST_CASE("mount plan: linux.devices become nodes with type, number, mode (0666 by default) and owner") {
    std::vector<config::LinuxDevice> devices = {
        {"c", "/dev/fuse", 10, 229, 0640, 1000, 1001},
        {"u", "/dev/u", 1, 11, std::nullopt, std::nullopt, std::nullopt},
        {"b", "/dev/loop0", 7, 0, 0100600, 0, 6},
        {"p", "/dev/fifo", std::nullopt, std::nullopt, 0620, 5, 6},
    };
    auto nodes = plan::plan_devices(devices);
    REQUIRE(nodes.size() == 4);
    CHECK(nodes[0].type == S_IFCHR);
    CHECK(nodes[0].number == makedev(10, 229));
    CHECK(nodes[0].mode == 0640);
    CHECK(nodes[0].uid == 1000);
    CHECK(nodes[0].gid == 1001);
    CHECK(nodes[1].type == S_IFCHR);
    CHECK(nodes[1].mode == 0666);
    CHECK(nodes[2].type == S_IFBLK);
    CHECK(nodes[2].mode == 0600);
    CHECK(nodes[3].type == S_IFIFO);
    CHECK(nodes[3].number == 0);
    auto e = error_of([] { plan::plan_devices({{"x", "/dev/x", 1, 1, {}, {}, {}}}); });
    CHECK(e.full() == "/linux/devices/0/type: unknown device type \"x\" (one of c, u, b, p)");
}

TEST_CASE("mount plan: linux.devices are left out when /dev is bound from the host, as runc does") {
    config::Config c = with_mounts({{"/dev", "tmpfs", {"mode=755"}, "tmpfs", {}, {}}});
    c.process = config::Process{};
    c.process->args = {"/bin/sh"};
    c.linux_->namespaces = {{"mount", std::nullopt}};
    c.linux_->devices = {{"c", "/dev/fuse", 10, 229, 0600, 0, 0}};
    auto own_dev = plan::make_init_plan(c, {}, {"/b", false, 0});
    CHECK(own_dev.setup_dev);
    CHECK(own_dev.devices.size() == 1);
    c.mounts = {{"/dev", "/dev", {"rbind"}, std::nullopt, {}, {}}};
    auto host_dev = plan::make_init_plan(c, {}, {"/b", false, 0});
    CHECK_FALSE(host_dev.setup_dev);
    CHECK(host_dev.devices.empty());
}

TEST_CASE("mount plan: tmpcopyup copies up on a tmpfs and is ignored on other types, as runc does") {
    auto steps = plan::plan_mounts(with_mounts({{"/run", "tmpfs", {"nosuid", "tmpcopyup"}, "tmpfs", {}, {}},
                                                {"/data", "/srv", {"bind", "tmpcopyup"}, std::nullopt, {}, {}},
                                                {"/tmp", "tmpfs", {"nosuid"}, "tmpfs", {}, {}}}),
                                   {}, {"/b", false, 0});
    REQUIRE(steps.size() == 3);
    CHECK(steps[0].copy_up);
    CHECK(steps[0].data.empty());
    CHECK_FALSE(steps[1].copy_up);
    CHECK_FALSE(steps[2].copy_up);
}
