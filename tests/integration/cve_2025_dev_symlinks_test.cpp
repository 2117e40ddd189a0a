// CVE-2025-31133 and CVE-2025-52565: the container's /dev (here a volume the host and the container share,
// as in the advisories' race between two containers, made deterministic by planting the symlink before
// create) holds /dev/null or /dev/console as a symlink. The runtime binds /dev/null over masked paths and
// the pty over /dev/console; through the symlink it would bind a file of the attacker's choice over a
// masked path (the host file below, or a procfs file such as /proc/sys/kernel/core_pattern), or bind the
// console somewhere else than /dev/console.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "container_helpers.hpp"
#include "cve_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "mount_helpers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

nlohmann::json rbind_rw_mount(const std::string& source, const std::string& destination) {
    return {{"destination", destination}, {"type", "bind"}, {"source", source}, {"options", {"rbind", "rw"}}};
}

// The bundle's /dev becomes the host directory `dev` (no tmpfs, so ocirt makes no device nodes there),
// and /shared the host directory `shared`.
void use_host_dev(Bundle& bundle, const std::string& dev, const std::string& shared) {
    for (auto& m : bundle.config["mounts"])
        if (m["destination"] == "/dev") m = rbind_rw_mount(dev, "/dev");
    bundle.config["mounts"].push_back(rbind_rw_mount(shared, "/shared"));
}

}  // namespace

TEST_CASE("CVE-2025-31133: a /dev/null that is a symlink is never bound over masked paths") {
    Ocirt ocirt;
    std::string host_core_pattern = read_file("/proc/sys/kernel/core_pattern");
    for (std::string link : {"/shared/bait", "/proc/sys/kernel/core_pattern"}) {
        CAPTURE(link);
        TempDir dev("ocirt-cve-dev");
        TempDir shared("ocirt-cve-shared");
        std::ofstream(shared.path() + "/bait") << "host bait\n";
        fs::create_symlink(link, dev.path() + "/null");
        Bundle bundle;
        use_host_dev(bundle, dev.path(), shared.path());
        // /proc/kcore and /proc/timer_list are masked files (the bundle's maskedPaths); a write goes only
        // where it cannot harm the host: the bait, never core_pattern.
        std::string script = "echo \"kcore=$(head -c 64 /proc/kcore | tr -d '\\n')\"; "
                             "echo \"kind=$(stat -c '%F %t:%T' /proc/timer_list)\"";
        if (link == "/shared/bait") script += "; echo escaped > /proc/timer_list";
        auto r = run_script(ocirt, bundle, script);
        INFO(r.out);
        INFO(r.err);
        CHECK(read_file(shared.path() + "/bait") == "host bait\n");
        CHECK(read_file("/proc/sys/kernel/core_pattern") == host_core_pattern);
        CHECK(fs::is_symlink(dev.path() + "/null"));
        if (r.exit_code != 0) {
            CHECK(r.exit_code == 1);
            CHECK(r.err.find("/dev/null") != std::string::npos);
            continue;
        }
        CHECK(r.out.find("kcore=\n") != std::string::npos);
        CHECK(r.out.find("kind=character special file 1:3") != std::string::npos);
    }
}

TEST_CASE("CVE-2025-31133: masked paths stay masked with the null device when /dev/null is real") {
    // The counterpart: the checks above must not refuse a sound /dev/null (the bundle's own /dev tmpfs).
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle, "echo \"kcore=$(head -c 64 /proc/kcore | tr -d '\\n')\"; stat -c 'kind=%F %t:%T' /proc/timer_list");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("kcore=\n") != std::string::npos);
    CHECK(r.out.find("kind=character special file 1:3") != std::string::npos);
}

TEST_CASE("CVE-2025-52565: a /dev/console that is a symlink never gets the console bound on its target") {
    Ocirt ocirt;
    TempDir dev("ocirt-cve-dev");
    TempDir shared("ocirt-cve-shared");
    TempDir logs("ocirt-cve-logs");
    std::ofstream(shared.path() + "/bait") << "host bait\n";
    fs::create_symlink("/shared/bait", dev.path() + "/console");
    ::mknod((dev.path() + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3));
    fs::create_symlink("pts/ptmx", dev.path() + "/ptmx");
    Bundle bundle;
    use_host_dev(bundle, dev.path(), shared.path());
    bundle.config["process"]["terminal"] = true;
    bundle.shell("cat /proc/self/mountinfo; stat -c 'console=%F' /dev/console; sleep 30");
    bundle.write();
    ConsoleReceiver console;
    std::string id = unique_id("cve52565");
    auto r = run_to_files(ocirt, {"run", "-d", "--console-socket", console.path(), "--bundle", bundle.path(), id},
                          logs.path() + "/out", logs.path() + "/err");
    INFO(r.err);
    CHECK(fs::is_symlink(dev.path() + "/console"));
    CHECK(read_file(shared.path() + "/bait") == "host bait\n");
    if (r.exit_code != 0) {
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("/dev/console") != std::string::npos);
        return;
    }
    // It started: then the console must be bound on /dev/console itself and nothing on the bait.
    auto state = nlohmann::json::parse(ocirt({"state", id}).out);
    std::string mountinfo = read_file("/proc/" + std::to_string(state["pid"].get<int>()) + "/mountinfo");
    auto mounts = parse_mountinfo_text(mountinfo);
    INFO(mountinfo);
    CHECK(find_mount(mounts, "/dev/console") != nullptr);
    const MountEntry* bait = find_mount(mounts, "/shared/bait");
    CHECK((bait == nullptr || bait->fstype != "devpts"));
}
