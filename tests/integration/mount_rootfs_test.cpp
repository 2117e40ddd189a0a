#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

TEST_CASE("rootfs: rootfsPropagation private, shared, slave, unbindable and their r-forms read back from the mountinfo") {
    Ocirt ocirt;
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, bool>>>> cases = {
        {"private", {{"shared:", false}, {"master:", false}, {"unbindable", false}}},
        {"shared", {{"shared:", true}, {"unbindable", false}}},
        {"slave", {{"master:", true}, {"shared:", false}}},
        {"unbindable", {{"unbindable", true}, {"shared:", false}, {"master:", false}}},
        // The recursive forms Docker, podman and containerd's CRI plugin send (-v ...:rslave, :rshared).
        {"rprivate", {{"shared:", false}, {"master:", false}, {"unbindable", false}}},
        {"rshared", {{"shared:", true}, {"unbindable", false}}},
        {"rslave", {{"master:", true}, {"shared:", false}}},
        {"runbindable", {{"unbindable", true}, {"shared:", false}, {"master:", false}}},
    };
    for (const auto& [propagation, expect] : cases) {
        CAPTURE(propagation);
        Bundle bundle;
        // The rootfs sits on a shared mount, so that a slave or shared root has a peer on the host.
        SharedMount shared(bundle.path());
        bundle.config["linux"]["rootfsPropagation"] = propagation;
        // Masked and read-only paths are binds (of /dev/null, of each path on itself), which runbindable has
        // made impossible by then, as with runc, which also sets the root's propagation first.
        if (propagation == "runbindable") {
            bundle.config["linux"].erase("maskedPaths");
            bundle.config["linux"].erase("readonlyPaths");
        }
        auto mounts = mounts_inside(ocirt, bundle);
        const MountEntry* root = find_mount(mounts, "/");
        REQUIRE(root != nullptr);
        CAPTURE(root->optional);
        for (const auto& [token, present] : expect) {
            CAPTURE(token);
            CHECK((root->optional.find(token) != std::string::npos) == present);
        }
        // An r-form reaches the submounts too: the container's own tmpfs on /tmp.
        if (propagation == "rshared" || propagation == "rprivate" || propagation == "runbindable") {
            const MountEntry* tmp = find_mount(mounts, "/tmp");
            REQUIRE(tmp != nullptr);
            CAPTURE(tmp->optional);
            CHECK((tmp->optional.find("shared:") != std::string::npos) == (propagation == "rshared"));
            CHECK((tmp->optional.find("unbindable") != std::string::npos) == (propagation == "runbindable"));
        }
        CHECK(host_mount_points_containing(bundle.path()) == std::vector<std::string>{bundle.path()});
    }
}

// containerd's CRI plugin for a Kubernetes Bidirectional volume: rootfsPropagation rshared, the volume
// rshared and the other binds rprivate. Each bind keeps the propagation its options ask for.
TEST_CASE("rootfs: under rootfsPropagation rshared a bind with rprivate stays private, an rshared one is shared") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir volumes("ocirt-rshared-volumes");
    SharedMount shared(volumes.path());
    fs::create_directory(volumes.path() + "/private");
    fs::create_directory(volumes.path() + "/bidirectional");
    bundle.config["linux"]["rootfsPropagation"] = "rshared";
    bundle.config["mounts"].push_back({{"destination", "/tmp/private"}, {"type", "bind"},
                                       {"source", volumes.path() + "/private"}, {"options", {"rbind", "rprivate", "rw"}}});
    bundle.config["mounts"].push_back({{"destination", "/tmp/bidirectional"}, {"type", "bind"},
                                       {"source", volumes.path() + "/bidirectional"}, {"options", {"rbind", "rshared", "rw"}}});
    auto mounts = mounts_inside(ocirt, bundle);
    const MountEntry* root = find_mount(mounts, "/");
    const MountEntry* private_bind = find_mount(mounts, "/tmp/private");
    const MountEntry* shared_bind = find_mount(mounts, "/tmp/bidirectional");
    REQUIRE(root != nullptr);
    REQUIRE(private_bind != nullptr);
    REQUIRE(shared_bind != nullptr);
    CHECK(root->optional.find("shared:") != std::string::npos);
    CAPTURE(private_bind->optional);
    CHECK(private_bind->optional.find("shared:") == std::string::npos);
    CHECK(private_bind->optional.find("master:") == std::string::npos);
    CAPTURE(shared_bind->optional);
    CHECK(shared_bind->optional.find("shared:") != std::string::npos);
}

TEST_CASE("rootfs: a masked file reads as /dev/null, a masked directory is an empty read-only tmpfs") {
    Ocirt ocirt;
    Bundle bundle;
    std::string rootfs = bundle.path() + "/rootfs";
    fs::create_directories(rootfs + "/etc/secret-dir");
    std::ofstream(rootfs + "/etc/secret-file") << "secret\n";
    std::ofstream(rootfs + "/etc/secret-dir/key") << "key\n";
    bundle.config["linux"]["maskedPaths"] = {"/etc/secret-file", "/etc/secret-dir", "/etc/not-there"};
    auto r = run_script(ocirt, bundle,
                        "cat /etc/secret-file; stat -c '%F %t,%T' /etc/secret-file; ls -A /etc/secret-dir | wc -l; "
                        "touch /etc/secret-dir/x 2>/dev/null && echo written || echo refused; "
                        "grep ' /etc/secret-dir ' /proc/self/mountinfo | cut -d' ' -f6,9");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "character special file 1,3\n0\nrefused\nro,relatime tmpfs\n");
    CHECK(read_file(rootfs + "/etc/secret-file") == "secret\n");
}

TEST_CASE("rootfs: read-only paths refuse writes and show ro in mountinfo, the rest of / stays writable") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["root"]["readonly"] = false;
    std::string rootfs = bundle.path() + "/rootfs";
    fs::create_directories(rootfs + "/etc/locked");
    std::ofstream(rootfs + "/etc/locked-file") << "locked\n";
    bundle.config["linux"]["readonlyPaths"] = {"/etc/locked", "/etc/locked-file", "/etc/not-there"};
    auto r = run_script(ocirt, bundle,
                        "touch /etc/locked/x 2>/dev/null && echo dir-written || echo dir-refused; "
                        "echo more >> /etc/locked-file 2>/dev/null && echo file-written || echo file-refused; "
                        "touch /etc/free && echo free-written; "
                        "grep ' /etc/locked ' /proc/self/mountinfo | cut -d' ' -f6");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "dir-refused\nfile-refused\nfree-written\nro,relatime\n");
    CHECK(fs::exists(rootfs + "/etc/free"));
    CHECK(read_file(rootfs + "/etc/locked-file") == "locked\n");
}

TEST_CASE("rootfs: root.readonly shows ro on / in mountinfo and refuses writes") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["root"]["readonly"] = true;
    auto r = run_script(ocirt, bundle, "touch /new 2>/dev/null && echo written || echo refused; cat /proc/self/mountinfo");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("refused\n", 0) == 0);
    auto mounts = parse_mountinfo_text(r.out);
    const MountEntry* root = find_mount(mounts, "/");
    REQUIRE(root != nullptr);
    CHECK(has_item(root->options, "ro"));
    bundle.config["root"]["readonly"] = false;
    auto w = run_script(ocirt, bundle, "touch /new && echo written; grep ' / / ' /proc/self/mountinfo | cut -d' ' -f6");
    CHECK(w.out.rfind("written\n", 0) == 0);
    CHECK(fs::exists(bundle.path() + "/rootfs/new"));
}

TEST_CASE("rootfs: linux.mountLabel without SELinux is ignored with a warning naming the pointer, as crun does") {
    OCIRT_SKIP_IF(fs::exists("/sys/fs/selinux/enforce"), "SELinux is enabled on this host: a mount label is applied, not ignored");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2";
    auto r = run_script(ocirt, bundle, "grep -c context= /proc/self/mountinfo");
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out == "0\n");
    CHECK(r.err.find("warning: /linux/mountLabel: SELinux is not enabled on this host") != std::string::npos);
}
