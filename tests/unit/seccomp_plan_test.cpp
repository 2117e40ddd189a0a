#include <doctest/doctest.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "linux/seccomp.hpp"
#include "plan/seccomp_plan.hpp"
#include "util/error.hpp"

using namespace ocirt;
using plan::SeccompStage;

namespace {

config::Config config_with(const config::Seccomp& seccomp, bool no_new_privileges = true) {
    config::Config c;
    c.ociVersion = "1.2.0";
    config::Process p;
    p.args = {"/bin/sh"};
    p.noNewPrivileges = no_new_privileges;
    c.process = p;
    c.annotations = {{"k", "v"}};
    config::Linux l;
    l.seccomp = seccomp;
    c.linux_ = l;
    return c;
}

plan::SeccompPlan plan_of(const config::Seccomp& s, bool no_new_privileges = true) {
    return plan::plan_seccomp(s, config_with(s, no_new_privileges), "/bundle");
}

config::Seccomp allow_but(std::vector<config::SeccompSyscall> calls) {
    config::Seccomp s;
    s.defaultAction = "SCMP_ACT_ALLOW";
    s.syscalls = std::move(calls);
    return s;
}

std::string error_text(const config::Seccomp& s, std::string* pointer = nullptr) {
    try {
        plan_of(s);
    } catch (const Error& e) {
        if (pointer) *pointer = e.json_pointer();
        return e.what();
    }
    return "no error";
}

// Loads the plan's filter in a child (no_new_privs: no privilege needed), calls umask(2) with each value
// and returns which calls the filter refused with EPERM, one bit per value.
int refused_umask_values(const plan::SeccompPlan& p, const std::vector<unsigned>& values) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) ::_exit(200);
        try {
            linux_::load_seccomp_filter(p.program, p.flags);
        } catch (...) {
            ::_exit(201);
        }
        int refused = 0;
        for (size_t i = 0; i < values.size(); ++i)
            if (::syscall(SYS_umask, values[i]) < 0 && errno == EPERM) refused |= 1 << i;
        ::_exit(refused);
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("seccomp plan: actions become libseccomp actions, errnoRet defaults to EPERM") {
    struct Case {
        const char* name;
        std::optional<uint32_t> errno_ret;
        uint32_t expected;
    };
    const Case cases[] = {
        {"SCMP_ACT_KILL", {}, SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_THREAD", {}, SCMP_ACT_KILL_THREAD},
        {"SCMP_ACT_KILL_PROCESS", {}, SCMP_ACT_KILL_PROCESS},
        {"SCMP_ACT_TRAP", {}, SCMP_ACT_TRAP},
        {"SCMP_ACT_ERRNO", {}, SCMP_ACT_ERRNO(EPERM)},
        {"SCMP_ACT_ERRNO", 38u, SCMP_ACT_ERRNO(38)},
        {"SCMP_ACT_TRACE", {}, SCMP_ACT_TRACE(EPERM)},
        {"SCMP_ACT_TRACE", 5u, SCMP_ACT_TRACE(5)},
        {"SCMP_ACT_ALLOW", {}, SCMP_ACT_ALLOW},
        {"SCMP_ACT_LOG", {}, SCMP_ACT_LOG},
        {"SCMP_ACT_NOTIFY", {}, SCMP_ACT_NOTIFY},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CHECK(plan::seccomp_action(c.name, c.errno_ret) == c.expected);
    }
    CHECK_FALSE(plan::seccomp_action("SCMP_ACT_DENY", {}));

    config::Seccomp s = allow_but({{{"mkdir"}, "SCMP_ACT_ERRNO", 95u, {}}});
    s.defaultAction = "SCMP_ACT_ERRNO";
    s.defaultErrnoRet = 13;
    s.syscalls[0].action = "SCMP_ACT_TRACE";
    auto p = plan_of(s);
    CHECK(p.default_action == SCMP_ACT_ERRNO(13));
    REQUIRE(p.rules.size() == 1);
    CHECK(p.rules[0].action == SCMP_ACT_TRACE(95));
    CHECK(p.rules[0].syscall == SCMP_SYS(mkdir));
}

TEST_CASE("seccomp plan: every operator, with value and valueTwo, as the plan holds it") {
    struct Case {
        const char* op;
        int expected;
    };
    const Case cases[] = {{"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
                          {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
                          {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
    for (const auto& c : cases) {
        CAPTURE(c.op);
        auto p = plan_of(allow_but({{{"umask"}, "SCMP_ACT_ERRNO", {}, {{0, 0x12, 0x7, c.op}}}}));
        REQUIRE(p.rules.size() == 1);
        REQUIRE(p.rules[0].conditions.size() == 1);
        CHECK(p.rules[0].conditions[0].op == c.expected);
        CHECK(p.rules[0].conditions[0].index == 0);
        CHECK(p.rules[0].conditions[0].value == 0x12);
        CHECK(p.rules[0].conditions[0].value_two == 0x7);
    }
    CHECK_FALSE(plan::seccomp_operator("SCMP_CMP_APPROX"));
}

TEST_CASE("seccomp plan: every operator as the kernel runs the compiled filter (umask in a child)") {
    // umask values 0, 0o20, 0o22, 0o27; the rule refuses umask when arg0 <op> 0o22 (MASKED_EQ: arg0 & 7 == 7).
    const std::vector<unsigned> values = {0, 020, 022, 027};
    struct Case {
        const char* op;
        uint64_t value;
        uint64_t value_two;
        int refused;  // bit i: values[i] refused
    };
    const Case cases[] = {
        {"SCMP_CMP_NE", 022, 0, 0b1011},       {"SCMP_CMP_LT", 022, 0, 0b0011}, {"SCMP_CMP_LE", 022, 0, 0b0111},
        {"SCMP_CMP_EQ", 022, 0, 0b0100},       {"SCMP_CMP_GE", 022, 0, 0b1100}, {"SCMP_CMP_GT", 022, 0, 0b1000},
        {"SCMP_CMP_MASKED_EQ", 07, 07, 0b1000},
    };
    for (const auto& c : cases) {
        CAPTURE(c.op);
        auto p = plan_of(allow_but({{{"umask"}, "SCMP_ACT_ERRNO", {}, {{0, c.value, c.value_two, c.op}}}}));
        CHECK(refused_umask_values(p, values) == c.refused);
    }
}

TEST_CASE("seccomp plan: unknown names are skipped, a rule with the default action is dropped, a repeated argument splits the rule") {
    auto p = plan_of(allow_but({
        {{"mkdir", "no_such_syscall", "mkdirat"}, "SCMP_ACT_ERRNO", {}, {}},
        {{"getcwd"}, "SCMP_ACT_ALLOW", {}, {}},
        {{"umask"}, "SCMP_ACT_ERRNO", {}, {{0, 1, {}, "SCMP_CMP_EQ"}, {0, 2, {}, "SCMP_CMP_EQ"}}},
        {{"kill"}, "SCMP_ACT_ERRNO", {}, {{0, 1, {}, "SCMP_CMP_EQ"}, {1, 2, {}, "SCMP_CMP_EQ"}}},
    }));
    CHECK(p.skipped_names == std::vector<std::string>{"no_such_syscall"});
    REQUIRE(p.rules.size() == 5);
    CHECK(p.rules[0].name == "mkdir");
    CHECK(p.rules[1].name == "mkdirat");
    CHECK(p.rules[2].name == "umask");
    CHECK(p.rules[2].conditions.size() == 1);
    CHECK(p.rules[3].name == "umask");
    CHECK(p.rules[3].conditions[0].value == 2);
    CHECK(p.rules[4].name == "kill");
    CHECK(p.rules[4].conditions.size() == 2);
    CHECK_FALSE(p.program.empty());

    // Both umask rules apply: each value alone is refused (values 0 and 3 are not).
    CHECK(refused_umask_values(p, {0, 1, 2, 3}) == 0b0110);
}

TEST_CASE("seccomp plan: architectures, flags and the stage the init loads at") {
    config::Seccomp s = allow_but({{{"mkdir"}, "SCMP_ACT_ERRNO", {}, {}}});
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64"};
    s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC",
               "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    auto p = plan_of(s);
    CHECK(p.architectures == std::vector<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_AARCH64});
    // WAIT_KILLABLE_RECV only applies to a listener: without SCMP_ACT_NOTIFY it is dropped.
    CHECK(p.flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC));
    CHECK_FALSE(p.listener);
    CHECK(p.stage == SeccompStage::before_exec);
    CHECK(plan_of(s, false).stage == SeccompStage::before_identity);

    s.syscalls.push_back({{"mknod"}, "SCMP_ACT_NOTIFY", {}, {}});
    s.listenerPath = "/run/agent.sock";
    s.listenerMetadata = "meta";
    auto n = plan_of(s);
    CHECK(n.flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC |
                      SECCOMP_FILTER_FLAG_TSYNC_ESRCH | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV |
                      SECCOMP_FILTER_FLAG_NEW_LISTENER));
    REQUIRE(n.listener);
    CHECK(n.listener->path == "/run/agent.sock");
    CHECK(n.listener->metadata == "meta");
    CHECK(n.listener->bundle == "/bundle");
    CHECK(n.listener->oci_version == "1.2.0");
    CHECK(n.listener->annotations.at("k") == "v");
    CHECK(n.stage == SeccompStage::before_ready);
    CHECK(plan_of(s, false).stage == SeccompStage::before_identity);

    // listenerPath without SCMP_ACT_NOTIFY is ignored (config-linux.md).
    s.syscalls.pop_back();
    CHECK_FALSE(plan_of(s).listener);
}

TEST_CASE("seccomp plan: what cannot be loaded is an error naming its pointer") {
    std::string pointer;
    config::Seccomp s = allow_but({});
    s.defaultAction = "SCMP_ACT_NOTIFY";
    s.listenerPath = "/run/agent.sock";
    CHECK(error_text(s, &pointer).find("SCMP_ACT_NOTIFY cannot be the default action") != std::string::npos);
    CHECK(pointer == "/linux/seccomp/defaultAction");

    s = allow_but({{{"write"}, "SCMP_ACT_ERRNO", {}, {}}, {{"mknod", "sendmsg"}, "SCMP_ACT_NOTIFY", {}, {}}});
    s.listenerPath = "/run/agent.sock";
    CHECK(error_text(s, &pointer).find("/linux/seccomp/syscalls/1/names/1: SCMP_ACT_NOTIFY cannot be used for sendmsg") == 0);
    CHECK(pointer == "/linux/seccomp/syscalls/1/names/1");

    s.syscalls[1].names = {"mknod"};
    s.listenerPath.reset();
    CHECK(error_text(s, &pointer).find("a listenerPath must receive the notify fd") != std::string::npos);
    CHECK(pointer == "/linux/seccomp/listenerPath");

    s = allow_but({{{"mkdir"}, "SCMP_ACT_ERRNO", 70000u, {}}});
    CHECK(error_text(s, &pointer).find("must be at most 65535") != std::string::npos);
    CHECK(pointer == "/linux/seccomp/syscalls/0/errnoRet");

    s = allow_but({});
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_VAX"};
    CHECK(error_text(s, &pointer).find("\"SCMP_ARCH_VAX\" is not an architecture this libseccomp knows") != std::string::npos);
    CHECK(pointer == "/linux/seccomp/architectures/1");

    s = allow_but({{{"kill"}, "SCMP_ACT_ERRNO", {}, {{6, 0, {}, "SCMP_CMP_EQ"}}}});
    CHECK(error_text(s, &pointer).find("must be at most 5") != std::string::npos);
    CHECK(pointer == "/linux/seccomp/syscalls/0/args/0/index");
}

TEST_CASE("seccomp plan: a Docker-sized allow list with syscalls of other architectures compiles") {
    config::Seccomp s;
    s.defaultAction = "SCMP_ACT_ERRNO";
    s.defaultErrnoRet = 1;
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    config::SeccompSyscall allow{{}, "SCMP_ACT_ALLOW", {}, {}};
    for (int nr = 0; nr < 450; ++nr) {
        char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (!name) continue;
        allow.names.push_back(name);
        free(name);
    }
    allow.names.push_back("socketcall");  // x86 only
    s.syscalls = {allow};
    auto p = plan_of(s);
    CHECK(p.rules.size() == allow.names.size());
    CHECK(p.program.size() > 300);
}
