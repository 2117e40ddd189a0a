// CVE-2025-52881: the runtime's writes into /proc files redirected by mounts the container controls: a
// bind mount of a host file over the init's /proc/self/oom_score_adj in the config, and a container that
// replaced its /proc with a tmpfs whose self/oom_score_adj is a host file (the exec case). The write must
// land in procfs (the process's real oom_score_adj) or fail clearly, never in the host file.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "container_helpers.hpp"
#include "cve_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

nlohmann::json bind_rw_mount(const std::string& source, const std::string& destination) {
    return {{"destination", destination}, {"type", "bind"}, {"source", source}, {"options", {"bind", "rw"}}};
}

std::string oom_score_adj_of(pid_t pid) {
    std::string text = read_file("/proc/" + std::to_string(pid) + "/oom_score_adj");
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

pid_t pid_of(const Ocirt& ocirt, const std::string& id) {
    return nlohmann::json::parse(ocirt({"state", id}).out)["pid"].get<pid_t>();
}

}  // namespace

TEST_CASE("CVE-2025-52881: a bind mount over /proc/self/oom_score_adj does not redirect the init's oom_score_adj write") {
    Ocirt ocirt;
    TempDir host("ocirt-cve-host");
    TempDir logs("ocirt-cve-logs");
    std::string bait = host.path() + "/bait";
    std::ofstream(bait) << "host bait\n";
    Bundle bundle;
    bundle.config["process"]["oomScoreAdj"] = 321;
    bundle.config["mounts"].push_back(bind_rw_mount(bait, "/proc/self/oom_score_adj"));
    bundle.shell("sleep 30");
    bundle.write();
    std::string id = unique_id("cve52881");
    auto r = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, logs.path() + "/out", logs.path() + "/err");
    INFO(r.err);
    CHECK(read_file(bait) == "host bait\n");
    if (r.exit_code != 0) {
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("oom_score_adj") != std::string::npos);
        return;
    }
    CHECK(oom_score_adj_of(pid_of(ocirt, id)) == "321");
}

TEST_CASE("CVE-2025-52881: a /proc the container replaced does not redirect exec's oom_score_adj write") {
    Ocirt ocirt;
    TempDir shared("ocirt-cve-shared");
    TempDir logs("ocirt-cve-logs");
    std::ofstream(shared.path() + "/bait") << "host bait\n";
    Bundle bundle;
    for (const char* set : {"bounding", "effective", "permitted"})
        bundle.config["process"]["capabilities"][set].push_back("CAP_SYS_ADMIN");
    bundle.config["mounts"].push_back(bind_rw_mount(shared.path(), "/shared"));
    bundle.shell("mount -t tmpfs tmpfs /proc && mkdir /proc/self && touch /proc/self/oom_score_adj && "
                 "mount --bind /shared/bait /proc/self/oom_score_adj && touch /shared/ready; sleep 60");
    bundle.write();
    std::string id = unique_id("cve52881-exec");
    auto created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, logs.path() + "/out", logs.path() + "/err");
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    REQUIRE(ocirt({"start", id}).exit_code == 0);
    REQUIRE_MESSAGE(eventually([&] { return fs::exists(shared.path() + "/ready"); }), read_file(logs.path() + "/err"));

    nlohmann::json process = bundle.config["process"];
    process["args"] = {"sleep", "30"};
    process["oomScoreAdj"] = 222;
    std::ofstream(logs.path() + "/process.json") << process.dump();
    std::string pid_file = logs.path() + "/exec.pid";
    // The detached process keeps exec's stdout and stderr: files, not pipes whose EOF would wait for it.
    auto r = run_to_files(ocirt, {"exec", "-d", "--pid-file", pid_file, "--process", logs.path() + "/process.json", id},
                          logs.path() + "/exec.out", logs.path() + "/exec.err");
    INFO(r.err);
    CHECK(read_file(shared.path() + "/bait") == "host bait\n");
    if (r.exit_code != 0) {
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("oom_score_adj") != std::string::npos);
        return;
    }
    CHECK(oom_score_adj_of(std::stoi(read_file(pid_file))) == "222");
}
