// config.md "Process", "POSIX process", "Linux Process" and "User": the process's attributes, read back from inside
// the container with /probe.
// Skipped: apparmorProfile and selinuxLabel (no AppArmor/SELinux on this host); "a capability that cannot be
// granted MUST be logged as a warning" (how a warning shows is not specified); commandLine (Windows); rlimits above
// the current hard limits (no CAP_SYS_RESOURCE here); SCHED_FIFO/RR/DEADLINE (real-time policies need a real-time
// budget this host's cgroups do not give), SCHED_ISO (not in mainline Linux); "If [umask is] unspecified, the umask
// should not be changed from the calling process' umask" (a lower-case should, not a SHOULD; runc, crun and ocirt all
// give 0022 then, which images expect).
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "conformance.hpp"

using namespace ocirt::conformance;
using ocirt::test::read_file;
namespace fs = std::filesystem;

TEST_CASE("config.md#process: a cwd that is not absolute is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["cwd"] = "etc";
    CHECK_REFUSED(run_container(runtime, bundle, "pwd"));
}

TEST_CASE("config.md#process: args without an entry is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["args"] = nlohmann::json::array();
    bundle.write();
    CHECK_REFUSED(runtime.to_files({"run", "--bundle", bundle.path(), ocirt::test::unique_id("noargs")}));
}

TEST_CASE("config.md#process: args[0] is looked up in the process's PATH, as execvp's file [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    fs::create_directories(bundle.path() + "/rootfs/opt/conformance-bin");
    std::string tool = bundle.path() + "/rootfs/opt/conformance-bin/conformance-tool";
    std::ofstream(tool) << "#!/bin/sh\necho found \"$1\"\n";
    fs::permissions(tool, fs::perms(0755));
    bundle.config["process"]["args"] = {"conformance-tool", "arg1"};
    bundle.config["process"]["env"] = {"PATH=/opt/conformance-bin:/bin"};
    bundle.write();
    auto r = runtime.to_files({"run", "--bundle", bundle.path(), ocirt::test::unique_id("path")});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "found arg1\n");
}

TEST_CASE("config.md#process: env is the process's environment [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["env"] = {"PATH=/bin", "CONFORMANCE_A=with space", "CONFORMANCE_B=x=y", "CONFORMANCE_EMPTY="};
    bundle.config["process"]["args"] = {"/probe", "process"};
    bundle.write();
    auto r = runtime.to_files({"run", "--bundle", bundle.path(), ocirt::test::unique_id("env")});
    auto env = probe_report(r.out)["process"]["env"];
    REQUIRE(env.is_array());
    for (const std::string entry : {"PATH=/bin", "CONFORMANCE_A=with space", "CONFORMANCE_B=x=y", "CONFORMANCE_EMPTY="}) {
        CAPTURE(entry);
        CHECK(std::find(env.begin(), env.end(), entry) != env.end());
    }
}

TEST_CASE("config.md#posix-process: an rlimit type that maps to no kernel resource is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["rlimits"].push_back({{"type", "RLIMIT_CONFORMANCE"}, {"soft", 1}, {"hard", 1}});
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

TEST_CASE("config.md#posix-process: duplicated rlimit types are an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 512}},
                                           {{"type", "RLIMIT_NOFILE"}, {"soft", 256}, {"hard", 256}}};
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}

TEST_CASE("config.md#linux-process: the bounding, permitted, inheritable and ambient sets are the process's [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    // CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10, CAP_AUDIT_WRITE 29: a different subset for each set.
    bundle.config["process"]["capabilities"] = {
        {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"}},
        {"permitted", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"effective", {"CAP_CHOWN"}},
        {"inheritable", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_KILL"}}};
    bundle.config["process"]["args"] = {"/probe", "capabilities"};
    bundle.write();
    auto caps = probe_report(runtime.to_files({"run", "--bundle", bundle.path(), ocirt::test::unique_id("caps")}).out)["capabilities"];
    CHECK(caps["bounding"] == nlohmann::json({0, 5, 10, 29}));
    CHECK(caps["permitted"] == nlohmann::json({0, 5, 10}));
    // effective is not checked: execve(2) by uid 0 raises it to the whole permitted set (capabilities(7)).
    CHECK(caps["inheritable"] == nlohmann::json({5, 10}));
    CHECK(caps["ambient"] == nlohmann::json({5}));
}

TEST_CASE("config.md#linux-process: without oomScoreAdj the runtime leaves oom_score_adj as it was [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    std::string own = read_file("/proc/self/oom_score_adj");
    std::ofstream("/proc/self/oom_score_adj") << "17\n";  // a value no runtime would pick, inherited by the runtime
    auto r = run_container(runtime, bundle, "cat /proc/self/oom_score_adj");
    std::ofstream("/proc/self/oom_score_adj") << own;
    CHECK(r.out == "17\n");
}

TEST_CASE("config.md#linux-process: scheduler sets the policy and nice value [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.2.0";
    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_BATCH"}, {"nice", 7}};
    auto scheduler = probe_report(run_container(runtime, bundle, "/probe scheduler").out)["scheduler"];
    CHECK(scheduler.value("policy", -1) == 3);  // SCHED_BATCH
    CHECK(scheduler.value("nice", 0) == 7);
}

TEST_CASE("config.md#linux-process: ioPriority sets the I/O scheduling class and level [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.2.0";
    bundle.config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"}, {"priority", 6}};
    auto ioprio = probe_report(run_container(runtime, bundle, "/probe ioprio").out)["ioprio"];
    CHECK(ioprio.value("class", -1) == 2);  // IOPRIO_CLASS_BE
    CHECK(ioprio.value("level", -1) == 6);
}

TEST_CASE("config.md#linux-process: an unknown scheduler policy or I/O class is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["ociVersion"] = "1.2.0";
    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_CONFORMANCE"}};
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
    bundle.config["process"].erase("scheduler");
    bundle.config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_CONFORMANCE"}, {"priority", 1}};
    CHECK_REFUSED(run_container(runtime, bundle, "true"));
}
