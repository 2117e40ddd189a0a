#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

// The container's mounts keyed by mount point (the last mount on a point wins, as with find_mount).
std::map<std::string, MountEntry> container_mounts(const Ocirt& ocirt, Bundle& bundle) {
    std::map<std::string, MountEntry> by_point;
    for (const auto& m : mounts_inside(ocirt, bundle)) by_point[m.mount_point] = m;
    return by_point;
}

}  // namespace

TEST_CASE("mounts: every mount of the config is there with its type and flags") {
    Ocirt ocirt;
    Bundle bundle;
    auto m = container_mounts(ocirt, bundle);
    REQUIRE(m.count("/proc"));
    CHECK(m["/proc"].fstype == "proc");
    REQUIRE(m.count("/dev"));
    CHECK(m["/dev"].fstype == "tmpfs");
    CHECK(has_item(m["/dev"].options, "nosuid"));
    CHECK(has_item(m["/dev"].super_options, "size=65536k"));
    CHECK(m["/dev/pts"].fstype == "devpts");
    CHECK(has_item(m["/dev/pts"].options, "noexec"));
    CHECK(m["/dev/shm"].fstype == "tmpfs");
    CHECK(has_item(m["/dev/shm"].options, "nodev"));
    CHECK(m["/dev/mqueue"].fstype == "mqueue");
    CHECK(m["/sys"].fstype == "sysfs");
    CHECK(has_item(m["/sys"].options, "ro"));
    CHECK(m["/tmp"].fstype == "tmpfs");
    CHECK(has_item(m["/tmp"].options, "rw"));
    CHECK(m["/"].fstype != "");
    CHECK(has_item(m["/"].options, "ro"));
}

TEST_CASE("mounts: a cgroup mount shows the host's hierarchies, read-only, rooted at the container's cgroup") {
    Ocirt ocirt;
    Bundle bundle;
    auto m = container_mounts(ocirt, bundle);
    REQUIRE(m.count("/sys/fs/cgroup"));
    CHECK(has_item(m["/sys/fs/cgroup"].options, "ro"));
    if (lacking_v2_only_host().empty()) {
        CHECK(m["/sys/fs/cgroup"].fstype == "cgroup2");  // a cgroup2-only host: the one hierarchy, as runc mounts it
    } else {
        CHECK(m["/sys/fs/cgroup"].fstype == "tmpfs");  // the v1 hierarchies (and a hybrid's cgroup2) below it
        if (!v1_mount("memory").empty()) {
            std::string memory = "/sys/fs/cgroup/" + fs::path(v1_mount("memory")).filename().string();
            REQUIRE(m.count(memory));
            CHECK(m[memory].fstype == "cgroup");
            CHECK(has_item(m[memory].options, "ro"));
        }
    }
    // Rooted at the container's cgroup (its cgroup namespace's root): "/" on every line, cgroup2's "0::/" too.
    auto r = run_script(ocirt, bundle, "cat /proc/self/cgroup");
    CHECK(r.exit_code == 0);
    std::istringstream lines(r.out);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        CAPTURE(line);
        CHECK(line.substr(line.rfind(':')) == ":/");
    }
    CHECK(count > 0);
}

TEST_CASE("mounts: a bind mount shows the host directory's content, read-only when asked") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir shared("ocirt-bind");
    std::ofstream(shared.path() + "/greeting") << "hello through a bind mount\n";
    std::ofstream(shared.path() + "/single") << "one file\n";
    bundle.config["mounts"].push_back(
        {{"destination", "/data"}, {"source", shared.path()}, {"type", "bind"}, {"options", {"rbind", "ro", "nosuid"}}});
    bundle.config["mounts"].push_back(
        {{"destination", "/etc/deep/single"}, {"source", shared.path() + "/single"}, {"options", {"bind"}}});
    auto r = run_script(ocirt, bundle,
                        "cat /data/greeting; cat /etc/deep/single; touch /data/new 2>&1 || echo refused; "
                        "grep ' /data ' /proc/self/mountinfo | cut -d' ' -f6");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("hello through a bind mount\none file\n") == 0);
    CHECK(r.out.find("refused") != std::string::npos);
    CHECK(r.out.find("ro,nosuid") != std::string::npos);
    CHECK_FALSE(fs::exists(shared.path() + "/new"));
}

TEST_CASE("mounts: after pivot_root the host's files are out of sight (and with --no-pivot too)") {
    Ocirt ocirt;
    Bundle bundle;
    std::string marker = source_dir() + "/CMakeLists.txt";
    std::string script = "test -e " + marker + " && echo visible || echo hidden; ls /";
    auto pivot = run_script(ocirt, bundle, script);
    CHECK(pivot.exit_code == 0);
    CHECK(pivot.out.rfind("hidden\n", 0) == 0);
    CHECK(pivot.out.find("bin") != std::string::npos);
    auto no_pivot = run_script(ocirt, bundle, script, {"--no-pivot"});
    CHECK(no_pivot.exit_code == 0);
    CHECK(no_pivot.out.rfind("hidden\n", 0) == 0);
}

TEST_CASE("mounts: root.readonly makes / read-only, the tmpfs on /tmp stays writable") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["root"]["readonly"] = true;
    auto r = run_script(ocirt, bundle, "touch /ocirt-should-fail 2>&1; echo written > /tmp/x && cat /tmp/x");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Read-only file system") != std::string::npos);
    CHECK(r.out.find("written") != std::string::npos);
    CHECK_FALSE(fs::exists(busybox_rootfs() + "/ocirt-should-fail"));
}

TEST_CASE("mounts: masked paths hide content, read-only paths refuse writes") {
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle,
                        "wc -c < /proc/timer_list; ls /sys/firmware | wc -l; "
                        "echo 1 > /proc/sys/kernel/printk_ratelimit 2>/dev/null && echo wrote || echo refused");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "0\n0\nrefused\n");
}

TEST_CASE("mounts: /dev has the default devices and links") {
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle,
                        "for d in null zero full random urandom tty; do stat -c '%n %F %t,%T %a' /dev/$d; done; "
                        "for l in fd stdin ptmx; do readlink /dev/$l; done; echo x > /dev/null && head -c 4 /dev/zero | wc -c");
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "/dev/null character special file 1,3 666\n"
          "/dev/zero character special file 1,5 666\n"
          "/dev/full character special file 1,7 666\n"
          "/dev/random character special file 1,8 666\n"
          "/dev/urandom character special file 1,9 666\n"
          "/dev/tty character special file 5,0 666\n"
          "/proc/self/fd\n/proc/self/fd/0\npts/ptmx\n4\n");
}

TEST_CASE("mounts: an unknown filesystem type fails create with the init's error chain") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/bogus"}, {"source", "none"}, {"type", "bogusfs"}});
    auto r = run_script(ocirt, bundle, "true");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("run: init: mount \"none\" on \"/bogus\" (type \"bogusfs\"): No such device") != std::string::npos);
}
