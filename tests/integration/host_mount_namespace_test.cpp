// Containers without a mount namespace (config-linux.md "Namespaces": a namespace left out is the
// runtime's): the rootfs and its mounts live in the host's mount namespace while the container exists,
// and nothing of them is left after delete or a failed create.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

void drop_all_namespaces(Bundle& bundle) { bundle.config["linux"]["namespaces"] = nlohmann::json::array(); }

}  // namespace

TEST_CASE("host mount namespace: with every namespace left out the container has the host's, its rootfs as /, and run leaves no mount") {
    Ocirt ocirt;
    Bundle bundle;
    drop_all_namespaces(bundle);
    bundle.config.erase("hostname");
    std::string script;
    for (const char* t : {"pid", "net", "ipc", "uts", "mnt", "cgroup"})
        script += std::string("readlink /proc/self/ns/") + t + "; ";
    script += "test -x /bin/busybox && test ! -e " + bundle.path() + " && echo rootfs-is-root";
    auto r = run_script(ocirt, bundle, script);
    CAPTURE(r.err);
    REQUIRE(r.exit_code == 0);
    std::string expected;
    for (const char* t : {"pid", "net", "ipc", "uts", "mnt", "cgroup"}) expected += host_namespace(t) + "\n";
    CHECK(r.out == expected + "rootfs-is-root\n");
    CHECK(host_mount_points_containing(bundle.path()).empty());
}

TEST_CASE("host mount namespace: a created container's mounts are in the host's namespace under its rootfs until delete") {
    Ocirt ocirt;
    Bundle bundle;
    drop_namespace(bundle, "mount");
    bundle.config["root"]["readonly"] = true;
    bundle.config["linux"]["maskedPaths"] = {"/proc/kcore", "/proc/acpi"};
    bundle.write();
    std::string id = unique_id("hostmnt");
    TempDir files;
    REQUIRE(run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/o", files.path() + "/e").exit_code == 0);
    auto mounted = host_mount_points_containing(bundle.path());
    CHECK(std::find(mounted.begin(), mounted.end(), bundle.path() + "/rootfs") != mounted.end());
    CHECK(std::find(mounted.begin(), mounted.end(), bundle.path() + "/rootfs/proc") != mounted.end());
    CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
    CHECK(host_mount_points_containing(bundle.path()).empty());
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
}

TEST_CASE("host mount namespace: a create failing after some mounts leaves none behind") {
    Ocirt ocirt;
    Bundle bundle;
    drop_namespace(bundle, "mount");
    bundle.config["mounts"].push_back({{"destination", "/broken"}, {"type", "no-such-filesystem"}, {"source", "none"}});
    bundle.write();
    std::string id = unique_id("hostmnt");
    TempDir files;
    auto r = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/o", files.path() + "/e");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("\"/broken\"") != std::string::npos);
    CHECK(host_mount_points_containing(bundle.path()).empty());
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
}
