#include <doctest/doctest.h>
#include <sys/mount.h>

#include <string>
#include <tuple>
#include <vector>

#include "plan/mount_options.hpp"

using ocirt::plan::parse_mount_options;

namespace {

unsigned long flags_of(std::vector<std::string> options) { return parse_mount_options(options).flags; }

}  // namespace

TEST_CASE("mount options: every mount(8) flag option sets its MS_ flag, its opposite clears it") {
    const std::vector<std::tuple<std::string, std::string, unsigned long>> table = {
        {"ro", "rw", MS_RDONLY},
        {"nosuid", "suid", MS_NOSUID},
        {"nodev", "dev", MS_NODEV},
        {"noexec", "exec", MS_NOEXEC},
        {"sync", "async", MS_SYNCHRONOUS},
        {"mand", "nomand", MS_MANDLOCK},
        {"noatime", "atime", MS_NOATIME},
        {"nodiratime", "diratime", MS_NODIRATIME},
        {"relatime", "norelatime", MS_RELATIME},
        {"strictatime", "nostrictatime", MS_STRICTATIME},
        {"lazytime", "nolazytime", MS_LAZYTIME},
        {"silent", "loud", MS_SILENT},
        {"iversion", "noiversion", MS_I_VERSION},
        {"nosymfollow", "symfollow", MS_NOSYMFOLLOW},
    };
    for (const auto& [set, clear, flag] : table) {
        CAPTURE(set);
        CHECK(flags_of({set}) == flag);
        CHECK(flags_of({set, clear}) == 0);
        CHECK(flags_of({clear, set}) == flag);
        CHECK(parse_mount_options({set}).data.empty());
        CHECK(parse_mount_options({clear}).data.empty());
    }
    CHECK(flags_of({"dirsync"}) == MS_DIRSYNC);
    CHECK(flags_of({"remount", "ro"}) == (MS_REMOUNT | MS_RDONLY));
    CHECK(flags_of({"defaults"}) == 0);
    CHECK(parse_mount_options({"defaults"}).data.empty());
}

TEST_CASE("mount options: bind and rbind, and the eight propagation options (the last one wins)") {
    auto b = parse_mount_options({"bind"});
    CHECK(b.bind);
    CHECK_FALSE(b.recursive);
    CHECK(b.flags == MS_BIND);
    auto rb = parse_mount_options({"rbind", "ro"});
    CHECK(rb.recursive);
    CHECK(rb.flags == (MS_BIND | MS_REC | MS_RDONLY));
    const std::vector<std::pair<std::string, unsigned long>> propagation = {
        {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
        {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE},             {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    for (const auto& [name, flags] : propagation) {
        CAPTURE(name);
        auto p = parse_mount_options({name});
        CHECK(p.propagation == flags);
        CHECK(p.flags == 0);
        CHECK(p.data.empty());
    }
    CHECK(parse_mount_options({"shared", "rslave"}).propagation == (MS_SLAVE | MS_REC));
}

TEST_CASE("mount options: the r* options become mount_setattr attributes for the whole tree") {
    const std::vector<std::tuple<std::string, uint64_t, uint64_t>> table = {
        {"rro", MOUNT_ATTR_RDONLY, 0},
        {"rrw", 0, MOUNT_ATTR_RDONLY},
        {"rnosuid", MOUNT_ATTR_NOSUID, 0},
        {"rsuid", 0, MOUNT_ATTR_NOSUID},
        {"rnodev", MOUNT_ATTR_NODEV, 0},
        {"rdev", 0, MOUNT_ATTR_NODEV},
        {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
        {"rexec", 0, MOUNT_ATTR_NOEXEC},
        {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
        {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
        {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
        {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
        {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
        {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
        {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
        {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
        {"rnorelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
        {"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    };
    for (const auto& [name, set, clear] : table) {
        CAPTURE(name);
        auto p = parse_mount_options({name});
        CHECK(p.recursive_attr_set == set);
        CHECK(p.recursive_attr_clear == clear);
        CHECK(p.flags == 0);
        CHECK(p.data.empty());
    }
    auto later_wins = parse_mount_options({"rro", "rrw", "rnoatime", "rstrictatime"});
    CHECK(later_wins.recursive_attr_set == MOUNT_ATTR_STRICTATIME);
    CHECK(later_wins.recursive_attr_clear == (MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME));
}

TEST_CASE("mount options: idmap and ridmap, and everything else passed through as data in order") {
    auto i = parse_mount_options({"bind", "idmap"});
    CHECK(i.idmap);
    CHECK_FALSE(i.idmap_recursive);
    auto r = parse_mount_options({"rbind", "ridmap"});
    CHECK(r.idmap);
    CHECK(r.idmap_recursive);
    auto d = parse_mount_options({"mode=755", "nosuid", "newinstance", "ptmxmode=0666", "x-unknown"});
    CHECK(d.flags == MS_NOSUID);
    CHECK(d.data == "mode=755,newinstance,ptmxmode=0666,x-unknown");
}

TEST_CASE("mount options: tmpcopyup (runc extension) asks for a copy-up and is not passed to the filesystem") {
    auto parsed = parse_mount_options({"rw", "tmpcopyup", "mode=755"});
    CHECK(parsed.copy_up);
    CHECK(parsed.data == "mode=755");
    CHECK_FALSE(parse_mount_options({"rw", "mode=755"}).copy_up);
}
