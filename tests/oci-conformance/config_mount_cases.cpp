// config.md "Linux mount options": the option strings a runtime MUST/SHOULD implement, read back from the container's
// /proc/self/mountinfo (through /probe mounts).
// Skipped: options with no effect visible in mountinfo (async, loud, silent, iversion, noiversion: they are used
// below only to check that they are not passed to the filesystem as unknown data); remount (it needs an existing
// mount at the destination); mand/nomand (MAY; deprecated by the kernel); slave/rslave (whether the result shows a
// master depends on the runtime's rootfsPropagation default); tmpcopyup (MAY); idmap/ridmap (need a user namespace:
// config-linux.md territory).
#include <doctest/doctest.h>
#include <sys/mount.h>

#include <filesystem>
#include <sstream>

#include "conformance.hpp"

using namespace ocirt::conformance;

namespace {

nlohmann::json tmpfs_at(const std::string& destination, std::vector<std::string> options) {
    options.push_back("size=1m");
    return {{"destination", destination}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", options}};
}

// The comma-separated words of `field` of the mount at `point` in a /probe mounts report ({} if none).
std::vector<std::string> option_words(const nlohmann::json& report, const std::string& point, const std::string& field) {
    std::vector<std::string> found;
    if (!report.contains("mounts") || !report["mounts"].is_array()) return found;
    for (const auto& mount : report["mounts"])
        if (mount.is_object() && mount.value("mount_point", "") == point) {
            found.clear();  // the last mount at a point is the visible one
            std::stringstream in(mount.value(field, ""));
            for (std::string word; std::getline(in, word, field == "propagation" ? ' ' : ',');) found.push_back(word);
        }
    return found;
}

// A host directory with a tmpfs mounted on sub/ and another on sub/deeper/: a tree whose rbind copies
// submounts on any host. The mounts are detached again on destruction.
class TreeWithSubmounts {
public:
    TreeWithSubmounts() {
        for (const std::string& point : {dir_.path() + "/sub", dir_.path() + "/sub/deeper"}) {
            std::filesystem::create_directory(point);
            REQUIRE(::mount("tmpfs", point.c_str(), "tmpfs", 0, "size=64k") == 0);
            mounted_.insert(mounted_.begin(), point);
        }
    }
    ~TreeWithSubmounts() {
        for (const auto& point : mounted_) ::umount2(point.c_str(), MNT_DETACH);
    }
    TreeWithSubmounts(const TreeWithSubmounts&) = delete;
    TreeWithSubmounts& operator=(const TreeWithSubmounts&) = delete;
    const std::string& path() const { return dir_.path(); }

private:
    ocirt::test::TempDir dir_{"conformance-submounts"};
    std::vector<std::string> mounted_;  // innermost first
};

bool has(const std::vector<std::string>& words, const std::string& word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

bool has_prefix(const std::vector<std::string>& words, const std::string& prefix) {
    return std::any_of(words.begin(), words.end(), [&](const std::string& w) { return w.rfind(prefix, 0) == 0; });
}

}  // namespace

TEST_CASE("config.md#linux-mount-options: the MUST flag options set and clear mount flags, later ones winning [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    auto& mounts = bundle.config["mounts"];
    mounts.push_back(tmpfs_at("/o-ro", {"ro", "nosuid", "nodev", "noexec"}));
    mounts.push_back(tmpfs_at("/o-atime", {"noatime", "nodiratime"}));
    mounts.push_back(tmpfs_at("/o-strict", {"strictatime"}));
    mounts.push_back(tmpfs_at("/o-sync", {"sync", "dirsync", "lazytime"}));
    mounts.push_back(tmpfs_at("/o-cleared", {"ro", "nosuid", "nodev", "noexec", "noatime", "sync", "lazytime", "rw", "suid",
                                             "dev", "exec", "atime", "async", "nolazytime", "norelatime", "nostrictatime"}));
    auto r = run_container(runtime, bundle, "/probe mounts");
    auto report = probe_report(r.out);
    INFO("runtime's stderr: ", r.err);
    REQUIRE(report.contains("mounts"));

    auto ro = option_words(report, "/o-ro", "options");
    for (const char* flag : {"ro", "nosuid", "nodev", "noexec"}) CHECK_MESSAGE(has(ro, flag), ("/o-ro lacks " + std::string(flag)));
    auto atime = option_words(report, "/o-atime", "options");
    CHECK(has(atime, "noatime"));
    CHECK(has(atime, "nodiratime"));
    auto strict = option_words(report, "/o-strict", "options");
    REQUIRE_FALSE(strict.empty());
    CHECK_FALSE(has(strict, "relatime"));
    CHECK_FALSE(has(strict, "noatime"));
    auto sync = option_words(report, "/o-sync", "super_options");
    for (const char* flag : {"sync", "dirsync", "lazytime"}) CHECK_MESSAGE(has(sync, flag), ("/o-sync lacks " + std::string(flag)));
    auto cleared = option_words(report, "/o-cleared", "options");
    auto cleared_super = option_words(report, "/o-cleared", "super_options");
    REQUIRE_FALSE(cleared.empty());
    for (const char* flag : {"ro", "nosuid", "nodev", "noexec", "noatime"}) CHECK_MESSAGE(!has(cleared, flag), ("/o-cleared keeps " + std::string(flag)));
    CHECK(has(cleared, "rw"));
    CHECK_FALSE(has(cleared_super, "sync"));
    CHECK_FALSE(has(cleared_super, "lazytime"));
}

TEST_CASE("config.md#linux-mount-options: the MUST options with no flag to show (defaults, async, loud, silent, iversion, noiversion, diratime) are accepted [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    // Passed to tmpfs as data, any of them would make the mount fail.
    bundle.config["mounts"].push_back(tmpfs_at("/o-quiet", {"defaults", "async", "loud", "silent", "iversion", "noiversion", "diratime"}));
    auto r = run_container(runtime, bundle, "/probe mounts");
    INFO("runtime's stderr: ", r.err);
    auto options = option_words(probe_report(r.out), "/o-quiet", "options");
    REQUIRE_FALSE(options.empty());
    CHECK(has(options, "rw"));
}

TEST_CASE("config.md#linux-mount-options: bind and propagation options (shared, private, unbindable, r*) [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    ocirt::test::TempDir source("conformance-propagation");
    auto& mounts = bundle.config["mounts"];
    for (const std::string option : {"shared", "rshared", "private", "rprivate", "unbindable", "runbindable"})
        mounts.push_back({{"destination", "/p-" + option}, {"type", "none"}, {"source", source.path()}, {"options", {"bind", option}}});
    auto report = probe_report(run_container(runtime, bundle, "/probe mounts").out);
    REQUIRE(report.contains("mounts"));
    for (const std::string option : {"shared", "rshared"}) {
        CAPTURE(option);
        REQUIRE_FALSE(option_words(report, "/p-" + option, "options").empty());
        CHECK(has_prefix(option_words(report, "/p-" + option, "propagation"), "shared:"));
    }
    for (const std::string option : {"private", "rprivate"}) {
        CAPTURE(option);
        REQUIRE_FALSE(option_words(report, "/p-" + option, "options").empty());
        auto propagation = option_words(report, "/p-" + option, "propagation");
        CHECK_FALSE(has_prefix(propagation, "shared:"));
        CHECK_FALSE(has_prefix(propagation, "master:"));
    }
    for (const std::string option : {"unbindable", "runbindable"}) {
        CAPTURE(option);
        CHECK(has(option_words(report, "/p-" + option, "propagation"), "unbindable"));
    }
}

TEST_CASE("config.md#linux-mount-options: the recursive options (rro, rnosuid, rnoexec, rnodev) reach every submount [SHOULD]") {
    Runtime runtime;
    SpecBundle bundle;
    TreeWithSubmounts tree;
    bundle.config["mounts"].push_back({{"destination", "/tree"}, {"type", "none"}, {"source", tree.path()},
                                       {"options", {"rbind", "rro", "rnosuid", "rnoexec", "rnodev"}}});
    auto report = probe_report(run_container(runtime, bundle, "/probe mounts").out);
    REQUIRE(report.contains("mounts"));
    int submounts = 0;
    for (const auto& mount : report["mounts"]) {
        std::string point = mount.value("mount_point", "");
        if (point.rfind("/tree/", 0) != 0) continue;
        ++submounts;
        CAPTURE(point);
        auto words = option_words(report, point, "options");
        for (const char* flag : {"ro", "nosuid", "noexec", "nodev"}) CHECK_MESSAGE(has(words, flag), (point + " lacks " + flag));
    }
    CHECK(submounts == 2);
}

TEST_CASE("config.md#linux-mount-options: nosymfollow is set [SHOULD]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["mounts"].push_back(tmpfs_at("/o-nosymfollow", {"nosymfollow"}));
    auto report = probe_report(run_container(runtime, bundle, "/probe mounts").out);
    CHECK(has(option_words(report, "/o-nosymfollow", "options"), "nosymfollow"));
}

TEST_CASE("config.md#linux-mount-options: unknown options go to the filesystem as data [SHOULD]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["mounts"].push_back(tmpfs_at("/o-data", {"mode=0710", "nr_inodes=100"}));
    auto report = probe_report(run_container(runtime, bundle, "/probe mounts").out);
    auto super = option_words(report, "/o-data", "super_options");
    CHECK(has(super, "mode=710"));
    CHECK(has(super, "nr_inodes=100"));
}
