// CVE-2021-30465: a mount target on a volume shared with someone the runtime does not trust (in the
// original, a second container) is swapped between a directory and a symlink pointing out of the rootfs
// while the runtime mounts on it. Here the swapping side is a thread of the test working on the shared
// volume with renameat2(2) RENAME_EXCHANGE, as the exploit did, while containers are created with a tmpfs
// on that target. (mount_escape_test.cpp covers the symlinks that are there from the start.)
// The symlink points into a shared host mount, so a mount that landed on the host side would propagate
// to the host's mountinfo.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdio.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "container_helpers.hpp"
#include "cve_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

TEST_CASE("CVE-2021-30465: a mount target swapped for a symlink during create never gets mounted outside the rootfs") {
    Ocirt ocirt;
    TempDir volume("ocirt-cve-volume");
    TempDir bait("ocirt-bait");
    SharedMount shared_bait(bait.path());
    fs::create_directory(volume.path() + "/target");
    // The symlink leads to a directory that exists on the host, so a mount that followed it there succeeds.
    fs::create_symlink(bait.path(), volume.path() + "/swap");

    std::atomic<bool> stop{false};
    std::atomic<long> swaps{0};
    std::thread swapper([&] {
        std::string a = volume.path() + "/target", b = volume.path() + "/swap";
        while (!stop) {
            if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) ++swaps;
        }
    });
    int succeeded = 0, failed = 0;
    for (int i = 0; i < 30; ++i) {
        Bundle bundle;
        bundle.config["linux"]["rootfsPropagation"] = "shared";
        bundle.config["mounts"].push_back(
            {{"destination", "/vol"}, {"type", "bind"}, {"source", volume.path()}, {"options", {"rbind", "rw"}}});
        bundle.config["mounts"].push_back(
            {{"destination", "/vol/target"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"size=1m"}}});
        auto r = run_script(ocirt, bundle, "cat /proc/self/mountinfo");
        CAPTURE(i);
        INFO(r.err);
        if (r.exit_code != 0) {
            ++failed;
            CHECK(r.exit_code == 1);
            CHECK(!r.err.empty());
            continue;
        }
        ++succeeded;
        // The tmpfs is inside the container: on the volume's directory (shown as /vol/swap when the swapper
        // renamed it afterwards), or, when the symlink was resolved, where it leads within the rootfs.
        int inside_rootfs = 0;
        for (const auto& m : parse_mountinfo_text(r.out))
            if (m.fstype == "tmpfs" && (m.mount_point == "/vol/target" || m.mount_point == "/vol/swap" ||
                                        m.mount_point == bait.path()))
                ++inside_rootfs;
        CHECK(inside_rootfs == 1);
        CHECK(host_mount_points_containing(bait.path()) == std::vector<std::string>{bait.path()});
    }
    stop = true;
    swapper.join();
    MESSAGE("creates: " << succeeded << " succeeded, " << failed << " failed; " << swaps.load() << " swaps");
    CHECK(swaps.load() > 0);
    CHECK(host_mount_points_containing(bait.path()) == std::vector<std::string>{bait.path()});
}
