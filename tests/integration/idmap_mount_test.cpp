#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

nlohmann::json idmapped(const std::string& source, const std::string& destination, const std::string& option) {
    return {{"destination", destination},
            {"type", "bind"},
            {"source", source},
            {"options", {option == "ridmap" ? "rbind" : "bind", option}},
            {"uidMappings", {{{"containerID", 0}, {"hostID", 2000}, {"size", 1000}}}},
            {"gidMappings", {{{"containerID", 0}, {"hostID", 3000}, {"size", 1000}}}}};
}

}  // namespace

// mount_setattr(2) MOUNT_ATTR_IDMAP: an owner id inside the mapping's range (containerID..+size) shows
// as hostID + (id - containerID) through the mount; the files on disk keep their owners.
TEST_CASE("idmap: files seen through an idmapped bind have their owners mapped, the plain bind does not") {
    TempDir shared("ocirt-idmap");
    std::string why;
    OCIRT_SKIP_IF(!idmapped_mounts_supported(shared.path(), why), "the host filesystem takes no idmapped mount: " + why);
    // Without process.capabilities the container's root has no CAP_DAC_OVERRIDE, as with runc.
    fs::permissions(shared.path(), fs::perms(0755));
    std::ofstream(shared.path() + "/by-root") << "root's\n";
    std::ofstream(shared.path() + "/by-five") << "five's\n";
    std::ofstream(shared.path() + "/by-outsider") << "outsider's\n";
    REQUIRE(::chown((shared.path() + "/by-five").c_str(), 5, 7) == 0);
    REQUIRE(::chown((shared.path() + "/by-outsider").c_str(), 1500, 1500) == 0);
    Ocirt ocirt;
    Bundle bundle;
    auto& mounts = bundle.config["mounts"];
    mounts.push_back(idmapped(shared.path(), "/idmapped", "idmap"));
    mounts.push_back({{"destination", "/plain"}, {"type", "bind"}, {"source", shared.path()}, {"options", {"bind"}}});
    auto r = run_script(ocirt, bundle,
                        "cd /idmapped && stat -c '%n %u %g' by-root by-five by-outsider; cat by-five; "
                        "cd /plain && stat -c '%n %u %g' by-root by-five; cat /proc/self/mountinfo");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.rfind("by-root 2000 3000\nby-five 2005 3007\nby-outsider 65534 65534\nfive's\n"
                      "by-root 0 0\nby-five 5 7\n", 0) == 0);
    auto seen = parse_mountinfo_text(r.out);
    const MountEntry* idm = find_mount(seen, "/idmapped");
    REQUIRE(idm != nullptr);
    CHECK(has_item(idm->options, "idmapped"));
    const MountEntry* plain = find_mount(seen, "/plain");
    REQUIRE(plain != nullptr);
    CHECK_FALSE(has_item(plain->options, "idmapped"));
    struct stat st {};
    REQUIRE(::stat((shared.path() + "/by-root").c_str(), &st) == 0);
    CHECK(st.st_uid == 0);
}

TEST_CASE("idmap: ridmap maps the submounts of an rbind too, idmap only its top") {
    std::string why;
    OCIRT_SKIP_IF(!idmapped_mounts_supported("/dev/shm", why), "tmpfs takes no idmapped mount: " + why);
    Ocirt ocirt;
    Bundle bundle;
    std::string rootfs = bundle.path() + "/rootfs";
    auto& mounts = bundle.config["mounts"];
    mounts.push_back({{"destination", "/src/tree"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    mounts.push_back({{"destination", "/src/tree/sub"}, {"type", "tmpfs"}, {"source", "tmpfs"}});
    mounts.push_back(idmapped(rootfs + "/src/tree", "/ridmapped", "ridmap"));
    auto top_only = idmapped(rootfs + "/src/tree", "/idmapped", "idmap");
    top_only["options"] = {"rbind", "idmap"};
    mounts.push_back(top_only);
    auto r = run_script(ocirt, bundle, "stat -c '%n %u' /ridmapped /ridmapped/sub /idmapped /idmapped/sub");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "/ridmapped 2000\n/ridmapped/sub 2000\n/idmapped 2000\n/idmapped/sub 0\n");
}

TEST_CASE("idmap: an idmap option on a mount that is not a bind fails create, naming the option") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["mounts"].push_back({{"destination", "/x"}, {"type", "tmpfs"}, {"source", "tmpfs"},
                                       {"options", {"nosuid", "idmap"}},
                                       {"uidMappings", {{{"containerID", 0}, {"hostID", 2000}, {"size", 1}}}},
                                       {"gidMappings", {{{"containerID", 0}, {"hostID", 2000}, {"size", 1}}}}});
    auto r = run_script(ocirt, bundle, "true");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("an idmapped mount must be a bind mount") != std::string::npos);
}

// Without mappings of its own an idmapped bind takes the container's user namespace (config.md idmap):
// what root owns on the host is root's inside, where the plain bind shows the overflow id.
TEST_CASE("idmap: without its own mappings an idmapped bind maps through the joined user namespace") {
    TempDir shared("ocirt-idmap-userns");
    std::string why;
    OCIRT_SKIP_IF(!idmapped_mounts_supported(shared.path(), why), "the host filesystem takes no idmapped mount: " + why);
    fs::permissions(shared.path(), fs::perms(0755));
    std::ofstream(shared.path() + "/by-root") << "root's\n";
    std::ofstream(shared.path() + "/by-2005") << "2005's\n";
    REQUIRE(::chown((shared.path() + "/by-2005").c_str(), 2005, 3005) == 0);
    // Container id 1000 is host root: the runtime joins the namespace with host root's credentials.
    UserNamespaceHolder holder("0 2000 1000\n1000 0 1\n", "0 3000 1000\n1000 0 1\n");
    REQUIRE(holder.mapped());
    Ocirt ocirt;
    Bundle bundle;
    fs::permissions(bundle.path(), fs::perms(0755));
    bundle.config["linux"]["namespaces"].push_back({{"type", "user"}, {"path", holder.ns_path()}});
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& m : bundle.config["mounts"])
        if (m["destination"] != "/sys/fs/cgroup") kept.push_back(m);
    kept.push_back({{"destination", "/idmapped"}, {"type", "bind"}, {"source", shared.path()}, {"options", {"bind", "idmap"}}});
    kept.push_back({{"destination", "/plain"}, {"type", "bind"}, {"source", shared.path()}, {"options", {"bind"}}});
    bundle.config["mounts"] = kept;
    auto r = run_script(ocirt, bundle, "cd /idmapped && stat -c '%n %u %g' by-root by-2005; cd /plain && stat -c '%n %u %g' by-root by-2005");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "by-root 0 0\nby-2005 65534 65534\nby-root 1000 1000\nby-2005 5 5\n");
}
