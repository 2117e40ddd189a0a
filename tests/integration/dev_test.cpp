#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <sstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

nlohmann::json device(const std::string& path, const std::string& type, int major, int minor, int mode, int uid, int gid) {
    return {{"path", path}, {"type", type}, {"major", major}, {"minor", minor}, {"fileMode", mode}, {"uid", uid}, {"gid", gid}};
}

}  // namespace

TEST_CASE("dev: linux.devices are made with their type, numbers, mode and owner, and may replace a default") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["devices"] = {
        device("/dev/fuse", "c", 10, 229, 0640, 1000, 1001),
        device("/dev/loop7", "b", 7, 7, 0600, 0, 6),
        device("/dev/net/tun", "c", 10, 200, 0666, 0, 0),
        device("/dev/kmsg-like", "u", 1, 11, 0444, 7, 8),
        device("/dev/null", "c", 1, 3, 0660, 0, 5),
        {{"path", "/dev/fifo0"}, {"type", "p"}, {"fileMode", 0620}, {"uid", 5}, {"gid", 6}},
        {{"path", "/dev/zero-default-mode"}, {"type", "c"}, {"major", 1}, {"minor", 5}},
    };
    auto r = run_script(ocirt, bundle,
                        "for d in fuse loop7 net/tun kmsg-like null fifo0 zero-default-mode; do "
                        "stat -c '%n %F %t:%T %a %u %g' /dev/$d; done; ls -ln /dev/fuse | cut -c1-10");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "/dev/fuse character special file a:e5 640 1000 1001\n"
          "/dev/loop7 block special file 7:7 600 0 6\n"
          "/dev/net/tun character special file a:c8 666 0 0\n"
          "/dev/kmsg-like character special file 1:b 444 7 8\n"
          "/dev/null character special file 1:3 660 0 5\n"
          "/dev/fifo0 fifo 0:0 620 5 6\n"
          "/dev/zero-default-mode character special file 1:5 666 0 0\n"
          "crw-r-----\n");
}

TEST_CASE("dev: a listed device whose path holds another kind of file is an error, the same node is not") {
    Ocirt ocirt;
    Bundle clash;
    clash.config["linux"]["devices"] = {device("/etc/passwd", "c", 1, 3, 0666, 0, 0)};
    auto r = run_script(ocirt, clash, "echo ran");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("ran") == std::string::npos);
    CHECK(r.err.find("/etc/passwd") != std::string::npos);

    Bundle same;
    REQUIRE(::mknod((same.path() + "/rootfs/conformance-null").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0);
    same.config["linux"]["devices"] = {device("/conformance-null", "c", 1, 3, 0640, 0, 0)};
    auto ok = run_script(ocirt, same, "stat -c '%F %t:%T %a' /conformance-null");
    INFO(ok.err);
    CHECK(ok.out == "character special file 1:3 640\n");
}

TEST_CASE("dev: the default links, /dev/core only where /proc/kcore exists") {
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle,
                        "for l in fd stdin stdout stderr ptmx; do echo \"$l -> $(readlink /dev/$l)\"; done; "
                        "if [ -L /dev/core ]; then echo \"core -> $(readlink /dev/core)\"; else echo no-core; fi");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    std::string core = fs::exists("/proc/kcore") ? "core -> /proc/kcore\n" : "no-core\n";
    CHECK(r.out ==
          "fd -> /proc/self/fd\nstdin -> /proc/self/fd/0\nstdout -> /proc/self/fd/1\nstderr -> /proc/self/fd/2\n"
          "ptmx -> pts/ptmx\n" + core);
}

TEST_CASE("dev: /dev/pts is a new devpts instance with the config's modes, /dev/shm and /dev/mqueue are mounted") {
    Ocirt ocirt;
    Bundle bundle;
    struct stat host_pts {};
    REQUIRE(::stat("/dev/pts", &host_pts) == 0);
    auto r = run_script(ocirt, bundle,
                        "stat -c '%d %a' /dev/pts /dev/pts/ptmx; echo data > /dev/shm/x && cat /dev/shm/x; "
                        "cat /proc/self/mountinfo");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::istringstream out(r.out);
    unsigned long pts_dev = 0, ptmx_dev = 0;
    std::string pts_mode, ptmx_mode, shm_line;
    out >> pts_dev >> pts_mode >> ptmx_dev >> ptmx_mode >> shm_line;
    CHECK(pts_dev != host_pts.st_dev);
    CHECK(ptmx_mode == "666");
    CHECK(shm_line == "data");
    auto mounts = parse_mountinfo_text(r.out);
    const MountEntry* pts = find_mount(mounts, "/dev/pts");
    REQUIRE(pts != nullptr);
    CHECK(pts->fstype == "devpts");
    CHECK(has_item(pts->super_options, "mode=620"));
    CHECK(has_item(pts->super_options, "ptmxmode=666"));
    CHECK(has_item(pts->options, "nosuid"));
    CHECK(has_item(pts->options, "noexec"));
    const MountEntry* shm = find_mount(mounts, "/dev/shm");
    REQUIRE(shm != nullptr);
    CHECK(shm->fstype == "tmpfs");
    CHECK(has_item(shm->super_options, "size=65536k"));
    const MountEntry* mqueue = find_mount(mounts, "/dev/mqueue");
    REQUIRE(mqueue != nullptr);
    CHECK(mqueue->fstype == "mqueue");
}

TEST_CASE("dev: in a joined user namespace the default devices and linux.devices are bound from the host") {
    OCIRT_SKIP_IF(!fs::exists("/dev/net/tun"), "this host has no /dev/net/tun to bind (the tun module is not loaded)");
    UserNamespaceHolder holder("0 0 4294967295\n", "0 0 4294967295\n");
    REQUIRE(holder.mapped());
    Ocirt ocirt;
    Bundle bundle;
    auto& namespaces = bundle.config["linux"]["namespaces"];
    namespaces.push_back({{"type", "user"}, {"path", holder.ns_path()}});
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& m : bundle.config["mounts"])
        if (m["destination"] != "/sys/fs/cgroup") kept.push_back(m);
    bundle.config["mounts"] = kept;
    bundle.config["linux"]["devices"] = {device("/dev/net/tun", "c", 10, 200, 0666, 0, 0)};
    auto r = run_script(ocirt, bundle,
                        "for d in null zero full random urandom tty net/tun; do stat -c '%n %t:%T' /dev/$d; done; "
                        "echo x > /dev/null && echo null-works; cat /proc/self/mountinfo");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("/dev/null 1:3\n/dev/zero 1:5\n/dev/full 1:7\n/dev/random 1:8\n/dev/urandom 1:9\n/dev/tty 5:0\n"
                      "/dev/net/tun a:c8\nnull-works\n", 0) == 0);
    auto mounts = parse_mountinfo_text(r.out);
    for (const char* d : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/net/tun"}) {
        CAPTURE(d);
        const MountEntry* m = find_mount(mounts, d);
        REQUIRE(m != nullptr);
        CHECK(m->fstype == "devtmpfs");
    }
}
