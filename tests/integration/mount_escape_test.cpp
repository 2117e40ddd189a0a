#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

nlohmann::json tmpfs(const std::string& destination) {
    return {{"destination", destination}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=1m"}}};
}

}  // namespace

// Every target below leads out of the rootfs if a symlink in it were followed on the host. The bait is a
// shared host mount and the container's root is shared too, so a mount that landed on the host side
// would show in the host's mountinfo.
TEST_CASE("mount escape: symlinked targets and parents are resolved inside the rootfs, never on the host") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir bait("ocirt-bait");
    SharedMount shared_bait(bait.path());
    std::string marker = unique_id("escape");
    std::string rootfs = bundle.path() + "/rootfs";
    fs::create_symlink("/", rootfs + "/link-root");
    fs::create_symlink("../../../../../../../../..", rootfs + "/link-up");
    fs::create_symlink(bait.path(), rootfs + "/link-bait");
    fs::create_symlink("/nonexistent-" + marker + "/deeper", rootfs + "/dangling-dir");
    fs::create_symlink("../../made-file-" + marker, rootfs + "/etc/dangling-file");
    std::ofstream(bait.path() + "/host-file") << "from the host\n";
    bundle.config["linux"]["rootfsPropagation"] = "shared";
    auto& mounts = bundle.config["mounts"];
    mounts.push_back(tmpfs("/link-root/root-" + marker));
    mounts.push_back(tmpfs("/link-up/up-" + marker));
    mounts.push_back(tmpfs("/link-bait/sub-" + marker));
    mounts.push_back(tmpfs("/dangling-dir"));
    mounts.push_back({{"destination", "/etc/dangling-file"}, {"type", "bind"}, {"source", bait.path() + "/host-file"},
                      {"options", {"bind", "ro"}}});
    auto r = run_script(ocirt, bundle, "cat /proc/self/mountinfo; cat /made-file-" + marker);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    auto inside = parse_mountinfo_text(r.out);
    for (const std::string& point : {"/root-" + marker, "/up-" + marker, bait.path() + "/sub-" + marker,
                                     "/nonexistent-" + marker + "/deeper", "/made-file-" + marker}) {
        CAPTURE(point);
        CHECK(find_mount(inside, point) != nullptr);
    }
    CHECK(r.out.find("from the host\n") != std::string::npos);
    CHECK(fs::is_regular_file(rootfs + "/made-file-" + marker));
    CHECK(host_mount_points_containing(marker).empty());
    CHECK(host_mount_points_containing(bait.path()) == std::vector<std::string>{bait.path()});
    for (const std::string& host_path : {"/root-" + marker, "/up-" + marker, bait.path() + "/sub-" + marker,
                                         "/nonexistent-" + marker, "/made-file-" + marker}) {
        CAPTURE(host_path);
        CHECK_FALSE(fs::exists(host_path));
    }
}

TEST_CASE("mount escape: a target that is a symlink to / fails create clearly and mounts nothing") {
    Ocirt ocirt;
    Bundle bundle;
    fs::create_symlink("/", bundle.path() + "/rootfs/link-root");
    fs::create_symlink("../../..", bundle.path() + "/rootfs/link-up");
    for (const std::string target : {"/link-root", "/link-up"}) {
        CAPTURE(target);
        bundle.config["mounts"].push_back(tmpfs(target));
        auto r = run_script(ocirt, bundle, "true");
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("mount target \"" + target + "\" resolves to the container's root directory") != std::string::npos);
        CHECK(host_mount_points_containing(bundle.path()).empty());
        bundle.config["mounts"].erase(bundle.config["mounts"].size() - 1);
    }
}
