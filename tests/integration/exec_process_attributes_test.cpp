#include <doctest/doctest.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

// A started container whose init sleeps, for `ocirt exec --process` to join.
struct Running {
    const Ocirt& ocirt;
    std::string id = unique_id("exec-attr");
    TempDir files{"ocirt-exec-attr"};
    Bundle bundle;

    explicit Running(const Ocirt& o) : ocirt(o) {
        bundle.shell("sleep 1000");
        bundle.write();
        Result created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/init-out",
                                      files.path() + "/init-err");
        REQUIRE(created.exit_code == 0);
        REQUIRE(ocirt({"start", id}).exit_code == 0);
    }

    Result exec(nlohmann::json process) const {
        std::string file = files.path() + "/process.json";
        std::ofstream(file) << process.dump();
        return run_to_files(ocirt, {"exec", "--process", file, id}, files.path() + "/out", files.path() + "/err");
    }
    std::string out() const { return read_file(files.path() + "/out"); }
    std::string err() const { return read_file(files.path() + "/err"); }
};

nlohmann::json shell_process(const std::string& script) {
    return {{"args", {"/bin/sh", "-c", script}},
            {"cwd", "/"},
            {"env", {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}},
            {"user", {{"uid", 0}, {"gid", 0}}}};
}

std::string status_line(const std::string& status, const std::string& key) {
    std::istringstream in(status);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) return line;
    return "";
}

}  // namespace

TEST_CASE("exec process attributes: capabilities, ambient for a non-root user, rlimits, oomScoreAdj and nice") {
    Ocirt ocirt;
    Running container(ocirt);
    auto process = shell_process("cat /proc/self/status; cat /proc/self/oom_score_adj; cat /proc/self/limits; "
                                 "cut -d' ' -f19 /proc/self/stat");
    process["user"] = {{"uid", 1000}, {"gid", 1000}};
    process["capabilities"] = {{"bounding", {"CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"}},
                               {"permitted", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
                               {"effective", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
                               {"inheritable", {"CAP_NET_BIND_SERVICE"}},
                               {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    process["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 321}, {"hard", 654}}};
    process["oomScoreAdj"] = 123;
    process["scheduler"] = {{"policy", "SCHED_BATCH"}, {"nice", 7}};
    Result r = container.exec(process);
    INFO(container.err());
    REQUIRE(r.exit_code == 0);
    std::string out = container.out();
    // capabilities(7): across execve a non-root process keeps only its ambient set in permitted and effective.
    CHECK(status_line(out, "CapBnd") == "CapBnd:\t0000000000000421");
    CHECK(status_line(out, "CapInh") == "CapInh:\t0000000000000400");
    CHECK(status_line(out, "CapPrm") == "CapPrm:\t0000000000000400");
    CHECK(status_line(out, "CapEff") == "CapEff:\t0000000000000400");
    CHECK(status_line(out, "CapAmb") == "CapAmb:\t0000000000000400");
    CHECK(status_line(out, "Uid") == "Uid:\t1000\t1000\t1000\t1000");
    CHECK(out.find("\n123\n") != std::string::npos);
    CHECK(out.find("Max open files            321                  654                  files") != std::string::npos);
    CHECK(out.substr(out.rfind('\n', out.size() - 2) + 1) == "7\n");
}

TEST_CASE("exec process attributes: execCPUAffinity final is the affinity the process runs with") {
    OCIRT_SKIP_IF(::sysconf(_SC_NPROCESSORS_ONLN) < 2, "one CPU only, no affinity to tell apart");
    Ocirt ocirt;
    Running container(ocirt);
    auto process = shell_process("grep Cpus_allowed_list /proc/self/status");
    process["execCPUAffinity"] = {{"initial", "0"}, {"final", "1"}};
    Result r = container.exec(process);
    INFO(container.err());
    REQUIRE(r.exit_code == 0);
    CHECK(container.out() == "Cpus_allowed_list:\t1\n");
    // The spec's list format ("0-3,7"), with the blanks and empty elements its schema and runc allow.
    process["execCPUAffinity"] = {{"initial", "1"}, {"final", " 0-0, ,"}};
    r = container.exec(process);
    REQUIRE(r.exit_code == 0);
    CHECK(container.out() == "Cpus_allowed_list:\t1\nCpus_allowed_list:\t0\n");  // the output file is appended to
}

TEST_CASE("exec process attributes: config.json's execCPUAffinity is what an exec'd process gets unless its own process says otherwise; the init keeps its affinity") {
    OCIRT_SKIP_IF(::sysconf(_SC_NPROCESSORS_ONLN) < 2, "one CPU only, no affinity to tell apart");
    cpu_set_t own;
    REQUIRE(::sched_getaffinity(0, sizeof own, &own) == 0);
    OCIRT_SKIP_IF(!CPU_ISSET(0, &own) || !CPU_ISSET(1, &own), "this process may not run on CPUs 0 and 1");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["execCPUAffinity"] = {{"final", "1"}};
    bundle.shell("grep Cpus_allowed_list /proc/self/status; exec sleep 1000");
    bundle.write();
    TempDir files("ocirt-exec-affinity");
    std::string id = unique_id("exec-aff");
    Result created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/init-out",
                                  files.path() + "/init-err");
    REQUIRE_MESSAGE(created.exit_code == 0, created.err);
    REQUIRE(ocirt({"start", id}).exit_code == 0);
    // config.md: "not applicable to the container's init process".
    CHECK(eventually([&] { return read_file(files.path() + "/init-out") == "Cpus_allowed_list:\t0-1\n"; }));
    std::string file = files.path() + "/process.json";
    std::ofstream(file) << shell_process("grep Cpus_allowed_list /proc/self/status").dump();
    Result r = run_to_files(ocirt, {"exec", "--process", file, id}, files.path() + "/out1", files.path() + "/err");
    CHECK(r.exit_code == 0);
    CHECK(read_file(files.path() + "/out1") == "Cpus_allowed_list:\t1\n");
    auto process = shell_process("grep Cpus_allowed_list /proc/self/status");
    process["execCPUAffinity"] = {{"final", "0"}};
    std::ofstream(file) << process.dump();
    r = run_to_files(ocirt, {"exec", "--process", file, id}, files.path() + "/out2", files.path() + "/err");
    CHECK(r.exit_code == 0);
    CHECK(read_file(files.path() + "/out2") == "Cpus_allowed_list:\t0\n");
    // Without --process, the config's process with the command line's changes (runc's exec).
    r = run_to_files(ocirt, {"exec", id, "grep", "Cpus_allowed_list", "/proc/self/status"}, files.path() + "/out3",
                     files.path() + "/err");
    CHECK(r.exit_code == 0);
    CHECK(read_file(files.path() + "/out3") == "Cpus_allowed_list:\t1\n");
    CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
}

namespace {

// An RLIMIT_NOFILE hard limit no process here can set: above fs.nr_open setrlimit(2) fails with EPERM even
// with CAP_SYS_RESOURCE (a guest's root has it), and above the current hard limit without it (a sandbox).
uint64_t unraisable_nofile_hard_limit() {
    rlimit current{};
    getrlimit(RLIMIT_NOFILE, &current);
    uint64_t nr_open = std::stoull(read_file("/proc/sys/fs/nr_open"));
    return std::max<uint64_t>(current.rlim_max, nr_open) + 1;
}

}  // namespace

TEST_CASE("exec process attributes: an unknown capability in process.json of a 1.2 container is a warning; a bad rlimit fails exec naming it") {
    Ocirt ocirt;
    Running container(ocirt);
    auto process = shell_process("grep CapBnd /proc/self/status");
    process["capabilities"] = {{"bounding", {"CAP_TEST", "CAP_KILL"}}};
    Result r = container.exec(process);
    CHECK(r.exit_code == 0);
    CHECK(container.out() == "CapBnd:\t0000000000000020\n");
    CHECK(container.err().find("warning: /process/capabilities/bounding/0: unknown capability \"CAP_TEST\" (see capabilities(7)): ignored") !=
          std::string::npos);
    process["args"] = {"true"};

    process.erase("capabilities");
    process["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 64}, {"hard", unraisable_nofile_hard_limit()}}};
    r = container.exec(process);
    CHECK(r.exit_code == 1);
    CHECK(container.err().find("/process/rlimits/0: setrlimit RLIMIT_NOFILE to soft 64") != std::string::npos);
}

TEST_CASE("exec process attributes: a failure only the process sees, before or after it joins the cgroup, is its own error with exit code 1, as create reports it") {
    Ocirt ocirt;
    Running container(ocirt);
    // The child cannot raise the hard limit to this (setrlimit(2)), after CgroupReady.
    const uint64_t above = unraisable_nofile_hard_limit();
    const std::string rlimit_error = "/process/rlimits/0: setrlimit RLIMIT_NOFILE to soft 64, hard " + std::to_string(above) +
                                     ": RLIMIT_NOFILE cannot exceed fs.nr_open (" +
                                     std::to_string(std::stoull(read_file("/proc/sys/fs/nr_open"))) + ")";
    auto process = shell_process("true");
    process["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 64}, {"hard", above}}};
    Result r = container.exec(process);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(container.err().find("process: " + rlimit_error) != std::string::npos, container.err());

    Bundle bundle;
    bundle.config["process"]["rlimits"] = process["rlimits"];
    bundle.write();
    // Output to files: a create that wrongly succeeded would leave its init holding pipes open.
    TempDir files("ocirt-exec-attr-create");
    Result created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), unique_id("exec-attr-create")},
                                  files.path() + "/out", files.path() + "/err");
    CHECK(created.exit_code == 1);
    CHECK_MESSAGE(created.err.find("init: " + rlimit_error) != std::string::npos, created.err);

    // sched_setaffinity(2) on a CPU this host does not have: EINVAL for `initial`, which the runtime sets on
    // its own thread before it forks the process (so that the process has it before it joins the cgroup),
    // and for `final`, which the process sets once in the cgroup, after CgroupReady.
    process.erase("rlimits");
    process["execCPUAffinity"] = {{"initial", std::to_string(CPU_SETSIZE - 1)}};
    for (int round = 0; round < 5; ++round) {
        CAPTURE(round);
        r = container.exec(process);
        CHECK(r.exit_code == 1);
        CHECK_MESSAGE(container.err().find("/process/execCPUAffinity/initial: sched_setaffinity: Invalid argument") !=
                          std::string::npos,
                      container.err());
    }
    process["execCPUAffinity"] = {{"initial", "0"}, {"final", std::to_string(CPU_SETSIZE - 1)}};
    r = container.exec(process);
    CHECK(r.exit_code == 1);
    CHECK_MESSAGE(container.err().find("process: execCPUAffinity final: sched_setaffinity: Invalid argument") != std::string::npos,
                  container.err());
}
