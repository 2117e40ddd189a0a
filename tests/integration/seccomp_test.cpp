#include <doctest/doctest.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "seccomp_agent.hpp"

using namespace ocirt::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json rule(std::vector<std::string> names, const std::string& action, json extra = json::object()) {
    json r = {{"names", names}, {"action", action}};
    r.update(extra);
    return r;
}

void allow_all_but(Bundle& bundle, json rules, json extra = json::object()) {
    json seccomp = {{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", rules}};
    seccomp.update(extra);
    bundle.config["linux"]["seccomp"] = seccomp;
}

const std::string kMkdir = "mkdir /tmp/made; echo rc=$?; ls -d /tmp/made";

// The filters of a stopped tracee, read back from the kernel (ptrace(2) PTRACE_SECCOMP_GET_FILTER and
// PTRACE_SECCOMP_GET_METADATA; the process is seized, interrupted, read and released).
struct LoadedFilter {
    std::vector<sock_filter> program;
    uint64_t flags = 0;
};

LoadedFilter read_loaded_filter(pid_t pid) {
    LoadedFilter out;
    REQUIRE(::ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) == 0);
    REQUIRE(::ptrace(PTRACE_INTERRUPT, pid, nullptr, nullptr) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, __WALL) == pid);
    long count = ::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, nullptr);
    if (count > 0) {
        out.program.resize(static_cast<size_t>(count));
        CHECK(::ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, out.program.data()) == count);
        __ptrace_seccomp_metadata meta{0, 0};
        CHECK(::ptrace(PTRACE_SECCOMP_GET_METADATA, pid, sizeof meta, &meta) == sizeof meta);
        out.flags = meta.flags;
    }
    CHECK(::ptrace(PTRACE_DETACH, pid, nullptr, nullptr) == 0);
    return out;
}

bool compares_arch(const std::vector<sock_filter>& program, uint32_t arch) {
    for (const auto& insn : program)
        if (insn.code == (BPF_JMP | BPF_JEQ | BPF_K) && insn.k == arch) return true;
    return false;
}

}  // namespace

TEST_CASE("seccomp: the process runs under one filter (/proc/self/status), loaded with and without noNewPrivileges") {
    Ocirt ocirt;
    Bundle bundle;
    CHECK(run_script(ocirt, bundle, "grep ^Seccomp /proc/self/status").out == "Seccomp:\t0\nSeccomp_filters:\t0\n");
    allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    for (bool nnp : {true, false}) {
        CAPTURE(nnp);
        bundle.config["process"]["noNewPrivileges"] = nnp;
        bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
        auto r = run_script(ocirt, bundle, "grep -E '^(Seccomp|NoNewPrivs|Uid)' /proc/self/status");
        CHECK(r.exit_code == 0);
        CHECK(r.out == std::string("Uid:\t1000\t1000\t1000\t1000\nNoNewPrivs:\t") + (nnp ? "1" : "0") +
                           "\nSeccomp:\t2\nSeccomp_filters:\t1\n");
    }
}

TEST_CASE("seccomp: SCMP_ACT_ERRNO returns EPERM, or errnoRet when given") {
    Ocirt ocirt;
    Bundle bundle;
    allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    auto eperm = run_script(ocirt, bundle, kMkdir);
    CHECK(eperm.out == "rc=1\n");
    CHECK(eperm.err.find("mkdir: can't create directory '/tmp/made': Operation not permitted") != std::string::npos);

    allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, "SCMP_ACT_ERRNO", {{"errnoRet", 38}})});
    auto enosys = run_script(ocirt, bundle, kMkdir);
    CHECK(enosys.out == "rc=1\n");
    CHECK(enosys.err.find("mkdir: can't create directory '/tmp/made': Function not implemented") != std::string::npos);
}

TEST_CASE("seccomp: defaultAction SCMP_ACT_ERRNO answers defaultErrnoRet for every syscall not listed") {
    Ocirt ocirt;
    Bundle bundle;
    std::vector<std::string> allowed;
    for (int nr = 0; nr < 512; ++nr) {
        char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (!name) continue;
        if (std::strcmp(name, "mkdir") != 0 && std::strcmp(name, "mkdirat") != 0) allowed.push_back(name);
        free(name);
    }
    bundle.config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", 95},
                                         {"syscalls", {rule(allowed, "SCMP_ACT_ALLOW")}}};
    auto r = run_script(ocirt, bundle, kMkdir);
    CAPTURE(r.err);
    CHECK(r.out == "rc=1\n");
    CHECK(r.err.find("mkdir: can't create directory '/tmp/made': Operation not supported") != std::string::npos);
}

TEST_CASE("seccomp: kill actions and SCMP_ACT_TRAP end the process by SIGSYS (run exits 159)") {
    Ocirt ocirt;
    Bundle bundle;
    for (const char* action : {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_KILL", "SCMP_ACT_TRAP"}) {
        CAPTURE(action);
        allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, action)});
        auto r = run_script(ocirt, bundle, "echo before; exec mkdir /tmp/made");
        CHECK(r.exit_code == 128 + SIGSYS);
        CHECK(r.out == "before\n");
    }
}

TEST_CASE("seccomp: SCMP_ACT_TRACE with no tracer fails the syscall with ENOSYS") {
    Ocirt ocirt;
    Bundle bundle;
    allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, "SCMP_ACT_TRACE", {{"errnoRet", 1}})});
    auto r = run_script(ocirt, bundle, kMkdir);
    CHECK(r.out == "rc=1\n");
    CHECK(r.err.find("mkdir: can't create directory '/tmp/made': Function not implemented") != std::string::npos);
}

TEST_CASE("seccomp: SCMP_ACT_LOG lets the syscall through and the kernel logs it") {
    Ocirt ocirt;
    Bundle bundle;
    int kmsg = ::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(kmsg >= 0);
    ::lseek(kmsg, 0, SEEK_END);
    allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, "SCMP_ACT_LOG")});
    auto r = run_script(ocirt, bundle, kMkdir);
    CHECK(r.out == "rc=0\n/tmp/made\n");
    // seccomp(2) SECCOMP_RET_LOG: an audit record of type 1326 (AUDIT_SECCOMP) with the action's code.
    bool logged = false;
    char record[8192];
    for (ssize_t n; (n = ::read(kmsg, record, sizeof record - 1)) > 0 || (n < 0 && errno == EPIPE);) {
        if (n <= 0) continue;
        std::string line(record, static_cast<size_t>(n));
        if (line.find("type=1326") != std::string::npos && line.find("comm=\"mkdir\"") != std::string::npos &&
            line.find("code=0x7ffc0000") != std::string::npos)
            logged = true;
    }
    ::close(kmsg);
    CHECK(logged);
}

TEST_CASE("seccomp: argument conditions with each operator refuse only the matching values (kill's signal)") {
    Ocirt ocirt;
    Bundle bundle;
    const std::string script =
        "sleep 60 & p=$!; for s in 0 17 18 23; do kill -$s $p 2>/dev/null && echo \"$s ok\" || echo \"$s refused\"; done";
    struct Case {
        const char* op;
        uint64_t value;
        uint64_t value_two;
        const char* out;
    };
    const Case cases[] = {
        {"SCMP_CMP_NE", 18, 0, "0 refused\n17 refused\n18 ok\n23 refused\n"},
        {"SCMP_CMP_LT", 18, 0, "0 refused\n17 refused\n18 ok\n23 ok\n"},
        {"SCMP_CMP_LE", 18, 0, "0 refused\n17 refused\n18 refused\n23 ok\n"},
        {"SCMP_CMP_EQ", 18, 0, "0 ok\n17 ok\n18 refused\n23 ok\n"},
        {"SCMP_CMP_GE", 18, 0, "0 ok\n17 ok\n18 refused\n23 refused\n"},
        {"SCMP_CMP_GT", 18, 0, "0 ok\n17 ok\n18 ok\n23 refused\n"},
        {"SCMP_CMP_MASKED_EQ", 7, 7, "0 ok\n17 ok\n18 ok\n23 refused\n"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.op);
        json arg = {{"index", 1}, {"value", c.value}, {"op", c.op}};
        if (std::string(c.op) == "SCMP_CMP_MASKED_EQ") arg["valueTwo"] = c.value_two;
        allow_all_but(bundle, {rule({"kill"}, "SCMP_ACT_ERRNO", {{"args", {arg}}})});
        auto r = run_script(ocirt, bundle, script);
        CHECK(r.out == c.out);
    }
}

TEST_CASE("seccomp: architectures and SECCOMP_FILTER_FLAG_LOG as the kernel holds the loaded filter") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-seccomp");
    bundle.config["process"]["noNewPrivileges"] = false;  // loaded before Ready: readable while created
    bundle.shell("true");
    for (bool with_arches : {true, false}) {
        CAPTURE(with_arches);
        json extra = {{"flags", {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"}}};
        if (with_arches) extra["architectures"] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
        else extra["flags"] = json::array();
        allow_all_but(bundle, {rule({"mkdir"}, "SCMP_ACT_ERRNO")}, extra);
        bundle.write();
        std::string id = unique_id("arch");
        REQUIRE(run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/o", files.path() + "/e").exit_code == 0);
        pid_t pid = json::parse(ocirt({"state", id}).out).at("pid").get<pid_t>();
        LoadedFilter loaded = read_loaded_filter(pid);
        CHECK(compares_arch(loaded.program, AUDIT_ARCH_X86_64));
        CHECK(compares_arch(loaded.program, AUDIT_ARCH_I386) == with_arches);
        CHECK(((loaded.flags & SECCOMP_FILTER_FLAG_LOG) != 0) == with_arches);
        CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
    }
}

TEST_CASE("seccomp: an unknown syscall name is skipped (as runc does) and the rest of the rule applies") {
    Ocirt ocirt;
    Bundle bundle;
    allow_all_but(bundle, {rule({"no_such_syscall", "mkdir", "mkdirat"}, "SCMP_ACT_ERRNO")});
    auto r = run_script(ocirt, bundle, kMkdir);
    CHECK(r.out == "rc=1\n");
    CHECK(r.err.find("Operation not permitted") != std::string::npos);
    bundle.write();
    auto debug = ocirt({"--debug", "run", "--bundle", bundle.path(), unique_id("skip")});
    CHECK(debug.err.find("seccomp: syscall \"no_such_syscall\" is unknown to libseccomp, its rule is skipped") != std::string::npos);
}

TEST_CASE("seccomp: after loading, the init makes no syscall a profile may refuse (getcwd, close_range, openat of the fifo)") {
    Ocirt ocirt;
    Bundle bundle;
    allow_all_but(bundle, {rule({"getcwd", "close_range", "fcntl", "sendmsg", "setresuid", "capset"}, "SCMP_ACT_ERRNO")});
    auto r = run_script(ocirt, bundle, "grep ^Seccomp: /proc/self/status");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Seccomp:\t2\n");
}

TEST_CASE("seccomp: without noNewPrivileges the filter comes before the uid change, and a refused close_range still closes every fd") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["noNewPrivileges"] = false;
    allow_all_but(bundle, {rule({"getcwd", "close_range"}, "SCMP_ACT_ERRNO")});
    auto r = run_script(ocirt, bundle, "grep ^Seccomp: /proc/self/status; ls /proc/self/fd");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "Seccomp:\t2\n0\n1\n2\n3\n");
}

TEST_CASE("seccomp: a listener gets the notify fd with the container process state and its answer reaches the container") {
    for (bool nnp : {true, false}) {
        CAPTURE(nnp);
        Ocirt ocirt;
        Bundle bundle;
        TempDir agent_dir("ocirt-agent");
        std::string socket_path = agent_dir.path() + "/agent.sock";
        SeccompAgent agent(socket_path, ETXTBSY);
        bundle.config["process"]["noNewPrivileges"] = nnp;
        bundle.config["annotations"] = {{"org.example.agent", "yes"}};
        allow_all_but(bundle, {rule({"mkdir", "mkdirat"}, "SCMP_ACT_NOTIFY")},
                      {{"listenerPath", socket_path},
                       {"listenerMetadata", "MKDIR=deny"},
                       {"flags", {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_TSYNC"}}});
        bundle.shell(kMkdir);
        bundle.write();
        std::string id = unique_id("notify");
        auto r = ocirt({"run", "--bundle", bundle.path(), id});
        agent.finish();
        CHECK(r.out == "rc=1\n");
        CHECK(r.err.find("mkdir: can't create directory '/tmp/made': Text file busy") != std::string::npos);
        CHECK(agent.fds_received() == 1);
        CHECK(agent.answered() >= 1);
        for (const auto& name : agent.answered_names()) CHECK((name == "mkdir" || name == "mkdirat"));

        auto states = agent.states();
        REQUIRE(states.size() == 1);
        REQUIRE_FALSE(states[0].empty());
        json state = json::parse(states[0]);
        CHECK(state.at("ociVersion") == "1.3.0");  // the runtime-spec version this runtime follows
        CHECK(state.at("fds") == json::array({"seccompFd"}));
        CHECK(state.at("metadata") == "MKDIR=deny");
        CHECK(state.at("pid").get<int>() > 0);
        CHECK(state.at("state").at("pid") == state.at("pid"));
        CHECK(state.at("state").at("id") == id);
        CHECK(state.at("state").at("status") == "creating");
        CHECK(state.at("state").at("bundle") == bundle.path());
        CHECK(state.at("state").at("ociVersion") == bundle.config["ociVersion"]);
        CHECK(state.at("state").at("annotations") == json({{"org.example.agent", "yes"}}));
    }
}

TEST_CASE("seccomp: a listener that cannot be reached fails create, leaving nothing behind") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir agent_dir("ocirt-agent");
    std::string socket_path = agent_dir.path() + "/nobody.sock";
    allow_all_but(bundle, {rule({"mkdir"}, "SCMP_ACT_NOTIFY")}, {{"listenerPath", socket_path}});
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("nolistener");
    auto r = ocirt({"create", "--bundle", bundle.path(), id});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("seccomp listener \"" + socket_path + "\": connect: No such file or directory") != std::string::npos);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
}

TEST_CASE("seccomp: configs that cannot be loaded fail create naming the /linux/seccomp pointer, leaving nothing behind") {
    Ocirt ocirt;
    struct Case {
        json seccomp;
        std::string expected;
    };
    const Case cases[] = {
        {{{"defaultAction", "SCMP_ACT_NOTIFY"}, {"listenerPath", "/run/agent.sock"}},
         "/linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
        {{{"defaultAction", "SCMP_ACT_ALLOW"}, {"listenerPath", "/run/agent.sock"}, {"syscalls", {rule({"sendmsg"}, "SCMP_ACT_NOTIFY")}}},
         "/linux/seccomp/syscalls/0/names/0: SCMP_ACT_NOTIFY cannot be used for sendmsg"},
        {{{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule({"mknod"}, "SCMP_ACT_NOTIFY")}}},
         "/linux/seccomp/listenerPath: SCMP_ACT_NOTIFY is used: a listenerPath must receive the notify fd"},
        {{{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule({"mkdir"}, "SCMP_ACT_ERRNO", {{"errnoRet", 70000}})}}},
         "/linux/seccomp/syscalls/0/errnoRet: must be at most 65535"},
        {{{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {"SCMP_ARCH_M68K"}}},
         "/linux/seccomp/architectures/0: \"SCMP_ARCH_M68K\" is not an architecture this libseccomp knows"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.expected);
        Bundle bundle;
        bundle.config["linux"]["seccomp"] = c.seccomp;
        bundle.write();
        std::string id = unique_id("badseccomp");
        auto r = ocirt({"create", "--bundle", bundle.path(), id});
        CHECK(r.exit_code == 1);
        CHECK(r.err.find(c.expected) != std::string::npos);
        CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
        CHECK(fs::is_empty(ocirt.root()));
        CHECK(processes_mentioning(id).empty());
        CHECK(cgroups_named(id).empty());
    }
}
