// CVE-2019-16884: a rootfs or config that puts something else than procfs where the container's /proc
// is: /proc a symlink (or a file) in the rootfs, or a volume mounted over /proc (the original, which made
// the runtime's AppArmor write and the masked paths land in a fake /proc). ocirt refuses proc on anything
// but a directory; with a volume over /proc the masked and read-only paths still apply, on the volume, and
// the host's files stay as they were.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "cve_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

TEST_CASE("CVE-2019-16884: proc is never mounted on a /proc that is a symlink or a file in the rootfs") {
    Ocirt ocirt;
    for (std::string kind : {"symlink", "file"}) {
        CAPTURE(kind);
        Bundle bundle;
        std::string rootfs = bundle.path() + "/rootfs";
        fs::remove_all(rootfs + "/proc");
        fs::create_directory(rootfs + "/elsewhere");
        if (kind == "symlink")
            fs::create_symlink("/elsewhere", rootfs + "/proc");
        else
            std::ofstream(rootfs + "/proc") << "not a directory\n";
        auto r = run_script(ocirt, bundle, "cat /proc/self/mountinfo");
        INFO(r.out);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("\"/proc\"") != std::string::npos);
        CHECK(r.err.find("not a directory") != std::string::npos);
        CHECK(fs::is_empty(rootfs + "/elsewhere"));
        CHECK(host_mount_points_containing(bundle.path()).empty());
    }
}

TEST_CASE("CVE-2019-16884: with a volume mounted over /proc the masked and read-only paths still apply and the host files stay") {
    Ocirt ocirt;
    TempDir volume("ocirt-cve-fakeproc");
    std::ofstream(volume.path() + "/kcore") << "secret from the host\n";
    fs::create_directories(volume.path() + "/sys/kernel");
    std::ofstream(volume.path() + "/sys/kernel/hostname") << "host value\n";
    Bundle bundle;
    bundle.config["mounts"].push_back(
        {{"destination", "/proc"}, {"type", "bind"}, {"source", volume.path()}, {"options", {"rbind", "rw"}}});
    auto r = run_script(ocirt, bundle,
                        "echo \"kcore=$(cat /proc/kcore)\"; echo changed > /proc/kcore; "
                        "echo changed > /proc/sys/kernel/hostname && echo WRITABLE; echo end");
    INFO(r.out);
    INFO(r.err);
    CHECK(read_file(volume.path() + "/kcore") == "secret from the host\n");
    CHECK(read_file(volume.path() + "/sys/kernel/hostname") == "host value\n");
    if (r.exit_code != 0 && r.out.empty()) {
        CHECK(r.exit_code == 1);
        CHECK(!r.err.empty());
        return;
    }
    CHECK(r.out.find("kcore=\n") != std::string::npos);
    CHECK(r.out.find("WRITABLE") == std::string::npos);
    CHECK(r.out.find("end") != std::string::npos);
}
