#include <doctest/doctest.h>
#include "linux/ioprio.hpp"
#include <linux/sched.h>
#include <sys/personality.h>

#include "linux/capabilities.hpp"
#include "plan/capability_sets.hpp"
#include "plan/init_plan.hpp"
#include "plan/kernel_settings.hpp"
#include "plan/process_names.hpp"
#include "plan/process_plan.hpp"
#include "config/sysctl_rules.hpp"
#include "plan_helpers.hpp"
#include "util/error.hpp"

using namespace ocirt;
using plan_test::error_of;

namespace {

config::Process shell_process() {
    config::Process p;
    p.args = {"/bin/sh"};
    p.cwd = "/";
    return p;
}

config::Config container(std::initializer_list<const char*> namespaces) {
    config::Config c;
    c.ociVersion = "1.2.0";
    c.root.path = "/rootfs";
    c.process = shell_process();
    config::Linux l;
    for (const char* t : namespaces) l.namespaces.push_back({t, std::nullopt});
    c.linux_ = l;
    return c;
}

plan::InitPlan plan_of(const config::Config& c, const plan::HostFacts& host = {}) {
    return plan::make_init_plan(c, host, {"/bundle", false, 0});
}

constexpr uint64_t bit(int n) { return uint64_t{1} << n; }

}  // namespace

TEST_CASE("process names: every capability name maps to its number and back") {
    CHECK(linux_::capability_names().size() == 41);
    for (const auto& entry : linux_::capability_names()) {
        CHECK(linux_::capability_number(entry.name) == entry.number);
        CHECK(linux_::capability_name(entry.number) == entry.name);
    }
    CHECK_FALSE(linux_::capability_number("CAP_TEST"));
    CHECK(linux_::capability_name(63) == "capability 63");
}

TEST_CASE("process names: scheduler policies and flags, I/O classes and personality domains") {
    CHECK(plan::scheduler_policy("SCHED_OTHER") == SCHED_NORMAL);
    CHECK(plan::scheduler_policy("SCHED_BATCH") == SCHED_BATCH);
    CHECK(plan::scheduler_policy("SCHED_DEADLINE") == SCHED_DEADLINE);
    CHECK_FALSE(plan::scheduler_policy("SCHED_ISO"));
    CHECK(plan::scheduler_policy_names().size() == 6);
    CHECK(plan::scheduler_flag_names().size() == 7);
    CHECK(plan::scheduler_flag("SCHED_FLAG_RESET_ON_FORK") == SCHED_FLAG_RESET_ON_FORK);
    CHECK(plan::scheduler_flag("SCHED_FLAG_UTIL_CLAMP_MAX") == SCHED_FLAG_UTIL_CLAMP_MAX);
    CHECK(plan::io_priority_class("IOPRIO_CLASS_RT") == IOPRIO_CLASS_RT);
    CHECK(plan::io_priority_class("IOPRIO_CLASS_IDLE") == IOPRIO_CLASS_IDLE);
    CHECK_FALSE(plan::io_priority_class("IOPRIO_CLASS_NONE"));
    CHECK(plan::personality_domain("LINUX32") == PER_LINUX32);
    CHECK(plan::personality_domain("LINUX") == PER_LINUX);
    CHECK_FALSE(plan::personality_domain("LINUX64"));
}

TEST_CASE("plan capabilities: names become masks; absent sets and an absent object are empty") {
    config::Capabilities caps;
    caps.bounding = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    caps.permitted = {"CAP_CHOWN", "CAP_KILL"};
    caps.effective = {"CAP_KILL"};
    auto sets = plan::plan_capabilities(caps, "/process");
    CHECK(sets.bounding == (bit(0) | bit(5) | bit(10)));
    CHECK(sets.permitted == (bit(0) | bit(5)));
    CHECK(sets.effective == bit(5));
    CHECK(sets.inheritable == 0);
    CHECK(sets.ambient == 0);
    auto none = plan::plan_capabilities(std::nullopt, "/process");
    CHECK((none.bounding | none.effective | none.permitted | none.inheritable | none.ambient) == 0);
    caps.bounding = {"CAP_CHECKPOINT_RESTORE"};
    caps.permitted = caps.effective = std::nullopt;
    CHECK(plan::plan_capabilities(caps, "/process").bounding == bit(40));
}

TEST_CASE("plan capabilities: what capset(2) would refuse is an Error naming the pointer") {
    config::Capabilities caps;
    caps.ambient = {"CAP_KILL", "CAP_TEST"};
    auto unknown = error_of([&] { plan::plan_capabilities(caps, "/process"); });
    CHECK(unknown.json_pointer() == "/process/capabilities/ambient/1");
    CHECK(unknown.full() == "/process/capabilities/ambient/1: unknown capability \"CAP_TEST\" (see capabilities(7))");

    config::Capabilities not_permitted;
    not_permitted.permitted = {"CAP_KILL"};
    not_permitted.effective = {"CAP_KILL", "CAP_CHOWN"};
    CHECK(error_of([&] { plan::plan_capabilities(not_permitted, "/process"); }).json_pointer() ==
          "/process/capabilities/effective/1");

    config::Capabilities not_bounded;
    not_bounded.bounding = {"CAP_KILL"};
    not_bounded.inheritable = {"CAP_CHOWN"};
    CHECK(error_of([&] { plan::plan_capabilities(not_bounded, ""); }).json_pointer() == "/capabilities/inheritable/0");
}

TEST_CASE("plan capabilities: ambient keeps only what is permitted and inheritable, as runc and crun do") {
    config::Capabilities caps;
    caps.bounding = caps.permitted = std::vector<std::string>{"CAP_KILL", "CAP_CHOWN", "CAP_SYS_NICE"};
    caps.inheritable = {"CAP_KILL", "CAP_SYS_NICE"};
    caps.ambient = {"CAP_KILL", "CAP_CHOWN"};
    CHECK(plan::plan_capabilities(caps, "/process").ambient == bit(5));
}

TEST_CASE("plan process: scheduler, ioPriority, rlimit pointers and execCPUAffinity") {
    auto p = shell_process();
    config::Scheduler s;
    s.policy = "SCHED_DEADLINE";
    s.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_DL_OVERRUN"};
    s.runtime = 10'000'000;
    s.deadline = 30'000'000;
    s.period = 40'000'000;
    p.scheduler = s;
    p.ioPriority = config::IoPriority{"IOPRIO_CLASS_BE", 6};
    p.rlimits = {{"RLIMIT_CORE", 0, 0}, {"RLIMIT_NOFILE", 10, 20}};
    p.execCPUAffinity = config::ExecCpuAffinity{"0-2,5", "1"};
    auto planned = plan::plan_process(p, {});
    REQUIRE(planned.scheduler);
    CHECK(planned.scheduler->policy == SCHED_DEADLINE);
    CHECK(planned.scheduler->flags == (SCHED_FLAG_RESET_ON_FORK | SCHED_FLAG_DL_OVERRUN));
    CHECK(planned.scheduler->runtime == 10'000'000);
    CHECK(planned.scheduler->deadline == 30'000'000);
    CHECK(planned.scheduler->period == 40'000'000);
    REQUIRE(planned.io_priority);
    CHECK(planned.io_priority->io_class == IOPRIO_CLASS_BE);
    CHECK(planned.io_priority->level == 6);
    REQUIRE(planned.rlimits.size() == 2);
    CHECK(planned.rlimits[1].pointer == "/process/rlimits/1");
    CHECK(planned.exec_cpu_affinity.initial == std::vector<int>{0, 1, 2, 5});
    CHECK(planned.exec_cpu_affinity.final_ == std::vector<int>{1});
    CHECK(planned.capabilities.bounding == 0);

    p.scheduler->policy = "SCHED_ISO";
    CHECK(error_of([&] { plan::plan_process(p, {}); }).json_pointer() == "/process/scheduler/policy");
    p.scheduler = std::nullopt;
    p.ioPriority->priority = 8;
    CHECK(error_of([&] { plan::plan_process(p, {}, ""); }).json_pointer() == "/ioPriority/priority");
}

TEST_CASE("plan process: CPU lists in the spec's list format (\"0-3,7\"), blanks and empty elements as runc takes them") {
    CHECK(plan::parse_cpu_list("", "/p").empty());
    CHECK(plan::parse_cpu_list("7", "/p") == std::vector<int>{7});
    CHECK(plan::parse_cpu_list("0-3,7", "/p") == std::vector<int>{0, 1, 2, 3, 7});
    CHECK(plan::parse_cpu_list("3-4,0,4", "/p") == std::vector<int>{0, 3, 4});
    // runtime-spec 1.3's schema pattern for execCPUAffinity is ^[0-9, -]*$; runc trims each element and
    // skips empty ones.
    CHECK(plan::parse_cpu_list(" 1", "/p") == std::vector<int>{1});
    CHECK(plan::parse_cpu_list("0, 1 ", "/p") == std::vector<int>{0, 1});
    CHECK(plan::parse_cpu_list("1,,2,", "/p") == std::vector<int>{1, 2});
    for (const char* bad : {"a", "1-", "-1", "3-1", ",", " ", "1 2", "1 - 2", "0x1", "99999"}) {
        CAPTURE(bad);
        CHECK(error_of([&] { plan::parse_cpu_list(bad, "/process/execCPUAffinity/final"); }).json_pointer() ==
              "/process/execCPUAffinity/final");
    }
}

TEST_CASE("plan process: apparmorProfile is planned where AppArmor is on, refused elsewhere; selinuxLabel refused") {
    auto p = shell_process();
    p.apparmorProfile = "";
    p.selinuxLabel = "";
    CHECK_NOTHROW(plan::plan_process(p, {}));  // empty strings ask for nothing
    p.apparmorProfile = "docker-default";
    auto absent = error_of([&] { plan::plan_process(p, {}); });
    CHECK(absent.json_pointer() == "/process/apparmorProfile");
    CHECK(absent.message().find("AppArmor is not enabled on this host") != std::string::npos);
    plan::SecurityFacts with_apparmor;
    with_apparmor.apparmor = true;
    CHECK(plan::plan_process(p, with_apparmor).apparmor_profile == "docker-default");
    p.apparmorProfile = std::nullopt;
    p.selinuxLabel = "system_u:system_r:container_t:s0";
    auto selinux = error_of([&] { plan::plan_process(p, {}); });
    CHECK(selinux.json_pointer() == "/process/selinuxLabel");
    CHECK(selinux.message().find("SELinux is not enabled on this host") != std::string::npos);
}

TEST_CASE("plan kernel settings: sysctl keys must belong to one of the container's namespaces") {
    auto c = container({"mount", "network", "ipc", "uts"});
    c.linux_->sysctl = {{"net.ipv4.ip_forward", "1"},  {"kernel.shmmax", "100"}, {"fs.mqueue.msg_max", "20"},
                        {"kernel.domainname", "d"},    {"kernel.sem", "1 2 3 4"}, {"net/ipv4/conf/eth0.10/forwarding", "1"}};
    auto plan = plan_of(c);
    REQUIRE(plan.sysctls.size() == 6);
    CHECK(plan.sysctls[0].key == "fs.mqueue.msg_max");  // std::map order
    CHECK(plan.sysctls[0].path == "fs/mqueue/msg_max");
    bool slashed = false;
    for (const auto& s : plan.sysctls)
        if (s.key == "net/ipv4/conf/eth0.10/forwarding") slashed = s.path == "net/ipv4/conf/eth0.10/forwarding";
    CHECK(slashed);

    auto rejected = [](config::Config config, const std::string& key) {
        config.linux_->sysctl = {{key, "1"}};
        return error_of([&] { plan_of(config); });
    };
    auto host_only = rejected(c, "vm.swappiness");
    CHECK(host_only.json_pointer() == "/linux/sysctl/vm.swappiness");
    CHECK(host_only.full() ==
          "/linux/sysctl/vm.swappiness: sysctl \"vm.swappiness\" is not namespaced: setting it would change the host");
    CHECK(rejected(c, "kernel.hostname").message().find("conflicts with /hostname") != std::string::npos);
    CHECK(rejected(c, "kernel/pid_max").json_pointer() == "/linux/sysctl/kernel~1pid_max");
    auto bare = container({"mount"});
    CHECK(rejected(bare, "net.ipv4.ip_forward").message().find("needs a network namespace") != std::string::npos);
    CHECK(rejected(bare, "kernel.msgmax").message().find("needs an ipc namespace") != std::string::npos);
    CHECK(rejected(bare, "fs.mqueue.queues_max").message().find("needs an ipc namespace") != std::string::npos);
    CHECK(rejected(bare, "kernel.domainname").message().find("needs a uts namespace") != std::string::npos);

    auto joined = container({"mount"});
    joined.linux_->namespaces.push_back({"network", "/proc/1/ns/net"});
    joined.linux_->sysctl = {{"net.core.somaxconn", "1"}};
    CHECK(plan_of(joined).sysctls.size() == 1);
}

TEST_CASE("plan kernel settings: personality, and intelRdt refused without resctrl") {
    auto c = container({"mount"});
    CHECK_FALSE(plan_of(c).personality);
    c.linux_->personality = config::Personality{"LINUX32", {}};
    CHECK(plan_of(c).personality == PER_LINUX32);
    c.linux_->personality = config::Personality{"LINUX64", {}};
    CHECK(error_of([&] { plan_of(c); }).json_pointer() == "/linux/personality/domain");
    c.linux_->personality = std::nullopt;
    c.linux_->intelRdt = config::IntelRdt{};
    auto e = error_of([&] { plan_of(c); });
    CHECK(e.json_pointer() == "/linux/intelRdt");
    CHECK(e.message().find("resctrl file system") != std::string::npos);
    plan::HostFacts with_resctrl;
    with_resctrl.security.resctrl = true;
    CHECK(error_of([&] { plan_of(c, with_resctrl); }).message().find("not supported by ocirt yet") != std::string::npos);
}

TEST_CASE("plan: the init plan carries the process attributes") {
    auto c = container({"mount", "pid"});
    config::Capabilities caps;
    caps.bounding = caps.permitted = caps.effective = std::vector<std::string>{"CAP_KILL"};
    c.process->capabilities = caps;
    c.process->scheduler = config::Scheduler{"SCHED_BATCH", 5, std::nullopt, {}, std::nullopt, std::nullopt, std::nullopt};
    auto plan = plan_of(c);
    CHECK(plan.process.capabilities.effective == bit(5));
    REQUIRE(plan.process.scheduler);
    CHECK(plan.process.scheduler->nice == 5);
    CHECK(plan.process.scheduler->policy == SCHED_BATCH);
}

TEST_CASE("spec sysctl: keys map to the namespace that holds them, dotted or slashed") {
    CHECK(config::sysctl_namespace_type("net.ipv4.ip_forward") == "network");
    CHECK(config::sysctl_namespace_type("net/ipv4/conf/eth0.10/forwarding") == "network");
    CHECK(config::sysctl_namespace_type("kernel.shm_rmid_forced") == "ipc");
    CHECK(config::sysctl_namespace_type("kernel/sem") == "ipc");
    CHECK(config::sysctl_namespace_type("fs.mqueue.msgsize_max") == "ipc");
    CHECK(config::sysctl_namespace_type("kernel.domainname") == "uts");
    CHECK(config::sysctl_namespace_type("kernel.pid_max") == "");
    CHECK(config::sysctl_namespace_type("fs.file-max") == "");
    CHECK(config::sysctl_namespace_type("network.x") == "");
    CHECK(config::sysctl_problem("kernel.sem", true).empty());
    CHECK(config::sysctl_problem("kernel.sem", false) == "sysctl \"kernel.sem\" needs an ipc namespace in /linux/namespaces");
    CHECK(config::sysctl_problem("kernel/hostname", true).find("conflicts with /hostname") != std::string::npos);
}
