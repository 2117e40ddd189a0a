#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

enum class Field { per_mount, super, optional };

struct Expect {
    std::string mount_point;
    Field field;
    std::string token;  // an option, or a prefix of an optional field ("shared:"); "" with optional: none
    bool present;
};

nlohmann::json tmpfs(const std::string& destination, std::vector<std::string> options) {
    return {{"destination", destination}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", options}};
}

nlohmann::json bind(const std::string& source, const std::string& destination, std::vector<std::string> options) {
    return {{"destination", destination}, {"type", "bind"}, {"source", source}, {"options", options}};
}

bool holds(const MountEntry& m, const Expect& e) {
    switch (e.field) {
        case Field::per_mount: return has_item(m.options, e.token) == e.present;
        case Field::super: return has_item(m.super_options, e.token) == e.present;
        case Field::optional:
            if (e.token.empty()) return m.optional.empty() == e.present;
            return (m.optional.find(e.token) != std::string::npos) == e.present;
    }
    return false;
}

}  // namespace

TEST_CASE("mount options: each option of a mount shows in the container's mountinfo") {
    Ocirt ocirt;
    Bundle bundle;
    const std::vector<std::pair<std::string, std::vector<Expect>>> table = {
        {"ro", {{"", Field::per_mount, "ro", true}}},
        {"rw", {{"", Field::per_mount, "rw", true}}},
        {"defaults", {{"", Field::per_mount, "rw", true}}},
        {"nosuid", {{"", Field::per_mount, "nosuid", true}}},
        {"suid", {{"", Field::per_mount, "nosuid", false}}},
        {"nodev", {{"", Field::per_mount, "nodev", true}}},
        {"dev", {{"", Field::per_mount, "nodev", false}}},
        {"noexec", {{"", Field::per_mount, "noexec", true}}},
        {"exec", {{"", Field::per_mount, "noexec", false}}},
        {"sync", {{"", Field::super, "sync", true}}},
        {"async", {{"", Field::super, "sync", false}}},
        {"dirsync", {{"", Field::super, "dirsync", true}}},
        {"mand", {{"", Field::super, "mand", true}}},
        {"nomand", {{"", Field::super, "mand", false}}},
        {"noatime", {{"", Field::per_mount, "noatime", true}}},
        {"atime", {{"", Field::per_mount, "noatime", false}, {"", Field::per_mount, "relatime", true}}},
        {"nodiratime", {{"", Field::per_mount, "nodiratime", true}}},
        {"diratime", {{"", Field::per_mount, "nodiratime", false}}},
        {"relatime", {{"", Field::per_mount, "relatime", true}}},
        {"strictatime", {{"", Field::per_mount, "relatime", false}, {"", Field::per_mount, "noatime", false}}},
        {"lazytime", {{"", Field::super, "lazytime", true}}},
        {"nosymfollow", {{"", Field::per_mount, "nosymfollow", true}}},
        {"symfollow", {{"", Field::per_mount, "nosymfollow", false}}},
        {"mode=0700", {{"", Field::super, "mode=700", true}}},
        {"shared", {{"", Field::optional, "shared:", true}}},
        {"private", {{"", Field::optional, "", true}}},
        {"unbindable", {{"", Field::optional, "unbindable", true}}},
    };
    for (size_t i = 0; i < table.size(); ++i)
        bundle.config["mounts"].push_back(tmpfs("/m/" + std::to_string(i), {table[i].first}));
    bundle.config["mounts"].push_back(tmpfs("/m/remounted", {"nodev"}));
    bundle.config["mounts"].push_back(tmpfs("/m/remounted", {"remount", "ro", "nosuid"}));
    auto mounts = mounts_inside(ocirt, bundle);
    for (size_t i = 0; i < table.size(); ++i) {
        const MountEntry* m = find_mount(mounts, "/m/" + std::to_string(i));
        CAPTURE(table[i].first);
        REQUIRE(m != nullptr);
        CAPTURE(m->options);
        CAPTURE(m->super_options);
        CAPTURE(m->optional);
        for (const auto& e : table[i].second) {
            CAPTURE(e.token);
            CHECK(holds(*m, e));
        }
    }
    const MountEntry* remounted = find_mount(mounts, "/m/remounted");
    REQUIRE(remounted != nullptr);
    CHECK(has_item(remounted->options, "ro"));
    CHECK(has_item(remounted->options, "nosuid"));
    CHECK(has_item(remounted->super_options, "ro"));
}

// A tree of two tmpfs mounts (top and top/sub) is bound with rbind, then one option changes it: the
// recursive options must reach the submount, the others must leave it as the source had it.
TEST_CASE("mount options: propagation and r* options on an rbind reach the submount only when recursive") {
    Ocirt ocirt;
    Bundle bundle;
    std::string rootfs = bundle.path() + "/rootfs";
    auto& mounts = bundle.config["mounts"];
    mounts.push_back(tmpfs("/src/peer", {"shared"}));
    mounts.push_back(tmpfs("/src/peer/sub", {"shared"}));
    mounts.push_back(tmpfs("/src/plain", {}));
    mounts.push_back(tmpfs("/src/plain/sub", {}));
    mounts.push_back(tmpfs("/src/ro", {}));
    mounts.push_back(bind(rootfs + "/src/plain", "/src/ro/sub", {"bind", "ro"}));
    struct Row {
        std::string option;
        std::string source;  // under /src
        std::vector<Expect> expect;  // "" = the bound top, "/sub" = its submount
    };
    const std::vector<Row> rows = {
        {"slave", "peer", {{"", Field::optional, "master:", true}, {"/sub", Field::optional, "shared:", true}}},
        {"rslave", "peer", {{"", Field::optional, "master:", true}, {"/sub", Field::optional, "master:", true},
                            {"/sub", Field::optional, "shared:", false}}},
        {"private", "peer", {{"", Field::optional, "", true}, {"/sub", Field::optional, "shared:", true}}},
        {"rprivate", "peer", {{"", Field::optional, "", true}, {"/sub", Field::optional, "", true}}},
        {"unbindable", "peer", {{"", Field::optional, "unbindable", true}, {"/sub", Field::optional, "shared:", true}}},
        {"runbindable", "peer", {{"", Field::optional, "unbindable", true}, {"/sub", Field::optional, "unbindable", true}}},
        {"shared", "plain", {{"", Field::optional, "shared:", true}, {"/sub", Field::optional, "", true}}},
        {"rshared", "plain", {{"", Field::optional, "shared:", true}, {"/sub", Field::optional, "shared:", true}}},
        {"ro", "plain", {{"", Field::per_mount, "ro", true}, {"/sub", Field::per_mount, "rw", true}}},
        {"rro", "plain", {{"", Field::per_mount, "ro", true}, {"/sub", Field::per_mount, "ro", true}}},
        {"rrw", "ro", {{"", Field::per_mount, "rw", true}, {"/sub", Field::per_mount, "rw", true}}},
        {"rnosuid", "plain", {{"", Field::per_mount, "nosuid", true}, {"/sub", Field::per_mount, "nosuid", true}}},
        {"rnodev", "plain", {{"", Field::per_mount, "nodev", true}, {"/sub", Field::per_mount, "nodev", true}}},
        {"rnoexec", "plain", {{"", Field::per_mount, "noexec", true}, {"/sub", Field::per_mount, "noexec", true}}},
        {"rnoatime", "plain", {{"", Field::per_mount, "noatime", true}, {"/sub", Field::per_mount, "noatime", true}}},
        {"rnodiratime", "plain", {{"", Field::per_mount, "nodiratime", true}, {"/sub", Field::per_mount, "nodiratime", true}}},
        {"rstrictatime", "plain", {{"", Field::per_mount, "relatime", false}, {"/sub", Field::per_mount, "relatime", false}}},
        {"rnosymfollow", "plain", {{"", Field::per_mount, "nosymfollow", true}, {"/sub", Field::per_mount, "nosymfollow", true}}},
    };
    for (const auto& row : rows) mounts.push_back(bind(rootfs + "/src/" + row.source, "/m/" + row.option, {"rbind", row.option}));
    auto seen = mounts_inside(ocirt, bundle);
    const MountEntry* peer = find_mount(seen, "/src/peer");
    REQUIRE(peer != nullptr);
    std::string peer_id = peer_group(peer->optional, "shared");
    REQUIRE_FALSE(peer_id.empty());
    CHECK(peer_group(find_mount(seen, "/m/slave")->optional, "master") == peer_id);
    for (const auto& row : rows) {
        CAPTURE(row.option);
        for (const auto& e : row.expect) {
            const MountEntry* m = find_mount(seen, "/m/" + row.option + e.mount_point);
            CAPTURE(e.mount_point);
            REQUIRE(m != nullptr);
            CAPTURE(m->options);
            CAPTURE(m->optional);
            CAPTURE(e.token);
            CHECK(holds(*m, e));
        }
    }
}

TEST_CASE("mount options: a submount under an rro bind refuses writes, under a plain ro bind it does not") {
    Ocirt ocirt;
    Bundle bundle;
    std::string rootfs = bundle.path() + "/rootfs";
    auto& mounts = bundle.config["mounts"];
    mounts.push_back(tmpfs("/src/plain", {}));
    mounts.push_back(tmpfs("/src/plain/sub", {}));
    mounts.push_back(bind(rootfs + "/src/plain", "/rro", {"rbind", "rro"}));
    mounts.push_back(bind(rootfs + "/src/plain", "/ro", {"rbind", "ro"}));
    auto r = run_script(ocirt, bundle,
                        "touch /rro/sub/f 2>/dev/null && echo rro-sub-written || echo rro-sub-refused; "
                        "touch /ro/sub/f 2>/dev/null && echo ro-sub-written || echo ro-sub-refused; "
                        "touch /ro/f 2>/dev/null && echo ro-top-written || echo ro-top-refused");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "rro-sub-refused\nro-sub-written\nro-top-refused\n");
}

TEST_CASE("mount options: an option no table knows goes to the filesystem as data") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["mounts"].push_back(tmpfs("/m/data", {"nosuid", "size=2m", "nr_inodes=100"}));
    auto seen = mounts_inside(ocirt, bundle);
    const MountEntry* m = find_mount(seen, "/m/data");
    REQUIRE(m != nullptr);
    CHECK(has_item(m->super_options, "size=2048k"));
    CHECK(has_item(m->super_options, "nr_inodes=100"));
    Bundle bad;
    bad.config["mounts"].push_back(tmpfs("/m/bad", {"no-such-tmpfs-option"}));
    auto r = run_script(ocirt, bad, "true");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("mount \"tmpfs\" on \"/m/bad\" (type \"tmpfs\"): Invalid argument") != std::string::npos);
}

TEST_CASE("mount options: tmpcopyup fills a tmpfs with the covered directory's tree, also under ro") {
    Ocirt ocirt;
    Bundle bundle;
    std::string d = bundle.path() + "/rootfs/d";
    fs::create_directories(d + "/sub");
    std::ofstream(d + "/f") << "copied";
    fs::create_symlink("f", d + "/link");
    REQUIRE(::chmod(d.c_str(), 0757) == 0);  // root in the container lacks CAP_DAC_OVERRIDE
    REQUIRE(::chown(d.c_str(), 1000, 1001) == 0);
    REQUIRE(::chmod((d + "/f").c_str(), 0640) == 0);
    REQUIRE(::chmod((d + "/sub").c_str(), 0705) == 0);
    bundle.config["mounts"].push_back(tmpfs("/d", {"nosuid", "tmpcopyup"}));
    // /bin holds the shell itself: the container only starts if the copy is complete.
    bundle.config["mounts"].push_back(tmpfs("/bin", {"ro", "tmpcopyup"}));
    auto r = run_script(ocirt, bundle,
                        "stat -c '%n %a %u %g %F' /d /d/f /d/sub; readlink /d/link; cat /d/f; echo;"
                        "grep -E ' /(d|bin) ' /proc/self/mountinfo | cut -d' ' -f5,9;"
                        "touch /d/new && echo d-writable; touch /bin/new 2>/dev/null || echo bin-read-only");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("/d 757 1000 1001 directory\n") != std::string::npos);
    CHECK(r.out.find("/d/f 640 0 0 regular file\n") != std::string::npos);
    CHECK(r.out.find("/d/sub 705 0 0 directory\n") != std::string::npos);
    CHECK(r.out.find("\nf\ncopied\n") != std::string::npos);
    CHECK(r.out.find("/d tmpfs\n") != std::string::npos);
    CHECK(r.out.find("/bin tmpfs\n") != std::string::npos);
    CHECK(r.out.find("d-writable\n") != std::string::npos);
    CHECK(r.out.find("bin-read-only\n") != std::string::npos);
    // The writes went to the tmpfs, not to the bundle's rootfs.
    CHECK_FALSE(fs::exists(d + "/new"));
}
