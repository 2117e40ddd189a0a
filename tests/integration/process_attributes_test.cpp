#include <doctest/doctest.h>
#include "linux/ioprio.hpp"
#include <linux/capability.h>
#include <linux/sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "apparmor_profile.hpp"
#include "cgroup_paths.hpp"
#include "container_helpers.hpp"
#include "harness.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

// The capability lines of /proc/<pid>/status, e.g. "CapInh:\t0000000000000400\n...".
std::string capability_lines(const std::string& status) {
    std::istringstream in(status);
    std::string result;
    for (std::string line; std::getline(in, line);)
        if (line.rfind("Cap", 0) == 0) result += line + "\n";
    return result;
}

std::string capability_status(uint64_t inh, uint64_t prm, uint64_t eff, uint64_t bnd, uint64_t amb) {
    char text[256];
    std::snprintf(text, sizeof text, "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\nCapBnd:\t%016llx\nCapAmb:\t%016llx\n",
                  static_cast<unsigned long long>(inh), static_cast<unsigned long long>(prm),
                  static_cast<unsigned long long>(eff), static_cast<unsigned long long>(bnd),
                  static_cast<unsigned long long>(amb));
    return text;
}

constexpr uint64_t kChown = 1ull << 0, kKill = 1ull << 5, kNetBindService = 1ull << 10, kSysNice = 1ull << 23;

// A created (not started) container: its init waits on exec.fifo with every attribute applied.
struct Created {
    const Ocirt& ocirt;
    std::string id = unique_id("attr");
    TempDir files{"ocirt-attr"};
    Result result;
    pid_t pid = 0;

    Created(const Ocirt& o, Bundle& bundle) : ocirt(o) {
        bundle.write();
        result = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/out", files.path() + "/err");
        if (result.exit_code == 0)
            pid = nlohmann::json::parse(read_file(ocirt.state_dir(id) + "/state.json"))["pid"].get<pid_t>();
    }
};

// A failed create leaves no state directory, process or cgroup.
void check_failed_create_left_nothing(const Ocirt& ocirt, const std::string& id) {
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(fs::is_empty(ocirt.root()));
    CHECK(processes_mentioning(id).empty());
    CHECK(cgroups_named(id).empty());
}

Result create_expecting_failure(const Ocirt& ocirt, Bundle& bundle, const std::string& id) {
    bundle.write();
    // Output to files: a create that wrongly succeeded would leave its init holding pipes open.
    TempDir files("ocirt-create-failure");
    Result r = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, files.path() + "/out", files.path() + "/err");
    CAPTURE(r.err);
    CHECK(r.exit_code == 1);
    if (r.exit_code == 0) ocirt({"delete", "--force", id});
    check_failed_create_left_nothing(ocirt, id);
    return r;
}

// Whether this process holds `capability` in its permitted set (/proc/self/status CapPrm), as the runtime it
// starts will.
bool holds_capability(int capability) {
    std::istringstream status(read_file("/proc/self/status"));
    for (std::string line; std::getline(status, line);)
        if (line.rfind("CapPrm:", 0) == 0) return (std::stoull(line.substr(7), nullptr, 16) >> capability) & 1;
    return false;
}

// Fields of /proc/<pid>/stat after the command name; proc(5) numbers them from 1, so field N is [N - 3].
std::vector<std::string> stat_fields(const std::string& stat) {
    std::istringstream in(stat.substr(stat.rfind(')') + 2));
    std::vector<std::string> fields;
    for (std::string f; in >> f;) fields.push_back(f);
    return fields;
}

// Lines of /proc/self/limits as {soft, hard} by their name ("Max open files").
std::map<std::string, std::pair<std::string, std::string>> limits_table(const std::string& text) {
    std::map<std::string, std::pair<std::string, std::string>> table;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        if (line.size() < 26) continue;
        std::string name = line.substr(0, 26);
        name.erase(name.find_last_not_of(' ') + 1);
        std::istringstream values(line.substr(26));
        std::string soft, hard;
        values >> soft >> hard;
        table[name] = {soft, hard};
    }
    return table;
}

}  // namespace

TEST_CASE("process attributes: capabilities of a root process, all five sets in /proc/self/status") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["capabilities"] = {
        {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"effective", {"CAP_CHOWN", "CAP_KILL"}},
        {"permitted", {"CAP_CHOWN", "CAP_KILL"}},
        {"inheritable", {"CAP_KILL"}},
        {"ambient", {"CAP_KILL"}}};
    bundle.config["process"]["noNewPrivileges"] = false;
    auto r = run_script(ocirt, bundle, "grep ^Cap /proc/self/status");
    CHECK(r.exit_code == 0);
    // capabilities(7) "Transformation of capabilities during execve()": for root P'(permitted) and
    // P'(effective) are the bounding set plus the inheritable set; the ambient set survives.
    uint64_t bounding = kChown | kKill | kNetBindService;
    CHECK(r.out == capability_status(kKill, bounding, bounding, bounding, kKill));
}

TEST_CASE("process attributes: capabilities of a non-root user, before exec and after it through the ambient set") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    bundle.config["process"]["capabilities"] = {
        {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"effective", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"permitted", {"CAP_KILL", "CAP_NET_BIND_SERVICE"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    bundle.shell("grep ^Cap /proc/self/status");

    Created created(ocirt, bundle);
    REQUIRE(created.result.exit_code == 0);
    uint64_t bounding = kChown | kKill | kNetBindService;
    // The waiting init already runs as uid 1000 and holds the configured sets (PR_SET_KEEPCAPS kept them).
    std::string status = read_file("/proc/" + std::to_string(created.pid) + "/status");
    CHECK(status.find("Uid:\t1000\t1000\t1000\t1000\n") != std::string::npos);
    CHECK(capability_lines(status) ==
          capability_status(kNetBindService, kKill | kNetBindService, kKill | kNetBindService, bounding, kNetBindService));

    Bundle plain;
    plain.config = bundle.config;
    plain.config["root"]["path"] = bundle.path() + "/rootfs";
    // capabilities(7): a non-root execve keeps only the ambient set in the permitted and effective sets.
    auto r = run_script(ocirt, plain, "grep ^Cap /proc/self/status");
    CHECK(r.exit_code == 0);
    CHECK(r.out == capability_status(kNetBindService, kNetBindService, kNetBindService, bounding, kNetBindService));

    plain.config["process"]["capabilities"].erase("ambient");
    auto without_ambient = run_script(ocirt, plain, "grep ^Cap /proc/self/status");
    CHECK(without_ambient.out == capability_status(kNetBindService, 0, 0, bounding, 0));
}

TEST_CASE("process attributes: without process.capabilities every set is empty, as with runc") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"].erase("capabilities");
    auto r = run_script(ocirt, bundle, "grep ^Cap /proc/self/status");
    CHECK(r.exit_code == 0);
    CHECK(r.out == capability_status(0, 0, 0, 0, 0));
}

TEST_CASE("process attributes: in a 1.0.x config an unknown capability fails create naming its set and index") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["ociVersion"] = "1.0.2";
    bundle.config["process"]["capabilities"]["effective"] = {"CAP_KILL", "CAP_TEST"};
    std::string id = unique_id("captest");
    auto r = create_expecting_failure(ocirt, bundle, id);
    CHECK(r.err.find("/process/capabilities/effective/1: unknown capability \"CAP_TEST\"") != std::string::npos);
}

TEST_CASE("process attributes: an effective capability that is not permitted fails create") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["capabilities"]["effective"] = {"CAP_KILL", "CAP_SYS_NICE"};
    std::string id = unique_id("capeff");
    auto r = create_expecting_failure(ocirt, bundle, id);
    CHECK(r.err.find("/process/capabilities/effective/1: an effective capability must also be permitted") != std::string::npos);
}

TEST_CASE("process attributes: a capability the runtime does not hold fails create naming it") {
    OCIRT_SKIP_IF(holds_capability(CAP_SYS_RESOURCE), "this host gives the runtime CAP_SYS_RESOURCE, so nothing is missing");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["capabilities"] = {{"bounding", {"CAP_KILL", "CAP_SYS_RESOURCE"}},
                                                {"permitted", {"CAP_KILL", "CAP_SYS_RESOURCE"}}};
    std::string id = unique_id("capheld");
    auto r = create_expecting_failure(ocirt, bundle, id);
    CHECK(r.err.find("capset: the runtime does not hold CAP_SYS_RESOURCE in its permitted set: Operation not permitted") !=
          std::string::npos);
}

TEST_CASE("process attributes: several rlimits as /proc/self/limits shows them") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["rlimits"] = {
        {{"type", "RLIMIT_NOFILE"}, {"soft", 512}, {"hard", 768}},
        {{"type", "RLIMIT_CPU"}, {"soft", 100}, {"hard", 200}},
        {{"type", "RLIMIT_MEMLOCK"}, {"soft", 65536}, {"hard", 131072}},
        {{"type", "RLIMIT_MSGQUEUE"}, {"soft", 4096}, {"hard", 8192}},
        {{"type", "RLIMIT_SIGPENDING"}, {"soft", 100}, {"hard", 200}},
        {{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 1024}}};
    auto r = run_script(ocirt, bundle, "cat /proc/self/limits");
    CHECK(r.exit_code == 0);
    auto limits = limits_table(r.out);
    CHECK(limits["Max open files"] == std::pair<std::string, std::string>{"512", "768"});
    CHECK(limits["Max cpu time"] == std::pair<std::string, std::string>{"100", "200"});
    CHECK(limits["Max locked memory"] == std::pair<std::string, std::string>{"65536", "131072"});
    CHECK(limits["Max msgqueue size"] == std::pair<std::string, std::string>{"4096", "8192"});
    CHECK(limits["Max pending signals"] == std::pair<std::string, std::string>{"100", "200"});
    CHECK(limits["Max core file size"] == std::pair<std::string, std::string>{"0", "1024"});
}

TEST_CASE("process attributes: a hard rlimit above what the runtime may raise fails create naming it") {
    Ocirt ocirt;
    Bundle bundle;
    // setrlimit(2): no process raises RLIMIT_NOFILE above fs.nr_open, CAP_SYS_RESOURCE or not.
    const uint64_t nr_open = std::stoull(read_file("/proc/sys/fs/nr_open"));
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_CORE"}, {"soft", 0}, {"hard", 0}},
                                           {{"type", "RLIMIT_NOFILE"}, {"soft", 1024}, {"hard", nr_open + 1}}};
    auto r = create_expecting_failure(ocirt, bundle, unique_id("rlimit"));
    CHECK(r.err.find("/process/rlimits/1: setrlimit RLIMIT_NOFILE to soft 1024, hard " + std::to_string(nr_open + 1) +
                     ": RLIMIT_NOFILE cannot exceed fs.nr_open (" + std::to_string(nr_open) + ")") != std::string::npos);

    // Without CAP_SYS_RESOURCE even root cannot raise a hard limit above the one it has.
    if (holds_capability(CAP_SYS_RESOURCE)) {
        MESSAGE("this host gives the runtime CAP_SYS_RESOURCE: raising a hard limit is allowed, so only fs.nr_open was checked");
        return;
    }
    rlimit current{};
    getrlimit(RLIMIT_NOFILE, &current);
    REQUIRE(current.rlim_max < nr_open);
    const uint64_t above = static_cast<uint64_t>(current.rlim_max) + 1;
    bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"soft", 1024}, {"hard", above}}};
    r = create_expecting_failure(ocirt, bundle, unique_id("rlimit"));
    CHECK(r.err.find("/process/rlimits/0: setrlimit RLIMIT_NOFILE to soft 1024, hard " + std::to_string(above) +
                     ": the hard limit cannot be raised above " + std::to_string(current.rlim_max) +
                     " without CAP_SYS_RESOURCE") != std::string::npos);
}

TEST_CASE("process attributes: oomScoreAdj and umask as the process reads them") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["oomScoreAdj"] = 517;
    bundle.config["process"]["user"]["umask"] = 0077;
    auto r = run_script(ocirt, bundle, "cat /proc/self/oom_score_adj; umask");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "517\n0077\n");
}

TEST_CASE("process attributes: namespaced sysctls are set inside the container and not on the host") {
    Ocirt ocirt;
    Bundle bundle;
    std::string host_shmmax = read_file("/proc/sys/kernel/shmmax");
    std::string host_forward = read_file("/proc/sys/net/ipv4/ip_forward");
    std::string host_domain = read_file("/proc/sys/kernel/domainname");
    bundle.config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", host_forward == "1\n" ? "0" : "1"},
                                        {"net/ipv4/conf/lo/forwarding", host_forward == "1\n" ? "0" : "1"},
                                        {"kernel.shmmax", "123456789"},
                                        {"kernel.msgmax", "4321"},
                                        {"kernel.sem", "250 32000 32 64"},
                                        {"fs.mqueue.msg_max", "17"},
                                        {"kernel.domainname", "attr.example"}};
    auto r = run_script(ocirt, bundle,
                        "cd /proc/sys; cat net/ipv4/ip_forward net/ipv4/conf/lo/forwarding kernel/shmmax kernel/msgmax "
                        "kernel/sem fs/mqueue/msg_max kernel/domainname");
    CHECK(r.exit_code == 0);
    std::string forward = host_forward == "1\n" ? "0\n" : "1\n";
    CHECK(r.out == forward + forward + "123456789\n4321\n250\t32000\t32\t64\n17\nattr.example\n");
    CHECK(read_file("/proc/sys/kernel/shmmax") == host_shmmax);
    CHECK(read_file("/proc/sys/net/ipv4/ip_forward") == host_forward);
    CHECK(read_file("/proc/sys/kernel/domainname") == host_domain);
}

TEST_CASE("process attributes: a sysctl outside the container's namespaces fails create naming its key") {
    Ocirt ocirt;
    SUBCASE("a key no namespace holds") {
        Bundle bundle;
        bundle.config["linux"]["sysctl"] = {{"vm.swappiness", "10"}};
        std::string id = unique_id("sysctl");
        auto r = create_expecting_failure(ocirt, bundle, id);
        CHECK(r.err.find("/linux/sysctl/vm.swappiness: sysctl \"vm.swappiness\" is not namespaced") != std::string::npos);
    }
    SUBCASE("net.* without a network namespace") {
        Bundle bundle;
        drop_namespace(bundle, "network");
        bundle.config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};
        std::string id = unique_id("sysctl");
        auto r = create_expecting_failure(ocirt, bundle, id);
        CHECK(r.err.find("/linux/sysctl/net.ipv4.ip_forward: sysctl \"net.ipv4.ip_forward\" needs a network namespace") !=
              std::string::npos);
    }
    SUBCASE("kernel.shmmax without an ipc namespace") {
        Bundle bundle;
        drop_namespace(bundle, "ipc");
        bundle.config["linux"]["sysctl"] = {{"kernel.shmmax", "1"}};
        std::string id = unique_id("sysctl");
        auto r = create_expecting_failure(ocirt, bundle, id);
        CHECK(r.err.find("/linux/sysctl/kernel.shmmax: sysctl \"kernel.shmmax\" needs an ipc namespace") != std::string::npos);
    }
}

TEST_CASE("process attributes: personality LINUX32 makes uname -m read i686") {
    utsname host{};
    uname(&host);
    OCIRT_SKIP_IF(std::string(host.machine) != "x86_64", "not an x86_64 host (" + std::string(host.machine) + ")");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["personality"] = {{"domain", "LINUX32"}};
    auto r = run_script(ocirt, bundle, "uname -m; cat /proc/self/personality");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "i686\n00000008\n");
    bundle.config["linux"]["personality"] = {{"domain", "LINUX"}};
    CHECK(run_script(ocirt, bundle, "uname -m").out == "x86_64\n");
}

TEST_CASE("process attributes: scheduler policy and nice as /proc/self/stat shows them") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_BATCH"}, {"nice", 7}};
    auto r = run_script(ocirt, bundle, "cat /proc/self/stat");
    CHECK(r.exit_code == 0);
    auto fields = stat_fields(r.out);
    REQUIRE(fields.size() > 38);
    CHECK(fields[19 - 3] == "7");   // nice
    CHECK(fields[41 - 3] == "3");   // policy: SCHED_BATCH

    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_IDLE"}};
    fields = stat_fields(run_script(ocirt, bundle, "cat /proc/self/stat").out);
    REQUIRE(fields.size() > 38);
    CHECK(fields[41 - 3] == "5");   // SCHED_IDLE
}

TEST_CASE("process attributes: a real-time scheduler needs a real-time budget in the cpu cgroup") {
    // Only on kernels with real-time group scheduling (sched(7)) in a v1 cpu hierarchy.
    const std::string cpu = v1_mount("cpu");
    OCIRT_SKIP_IF(cpu.empty() || !fs::exists(cpu + "/cpu.rt_runtime_us"),
                  "no real-time group scheduling here (no v1 cpu hierarchy with cpu.rt_runtime_us)");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_FIFO"}, {"priority", 10}};
    std::string id = unique_id("fifo");
    auto refused = create_expecting_failure(ocirt, bundle, id);
    CHECK(refused.err.find("init: sched_setattr SCHED_FIFO (real-time tasks also need a cpu.rt_runtime_us budget") !=
          std::string::npos);

    // With a budget given to the container's cgroup beforehand, the policy and priority reach the kernel.
    std::string name = unique_id("ocirt-rt");
    std::string dir = cpu + "/" + name;
    fs::create_directory(dir);
    std::ofstream(dir + "/cpu.rt_runtime_us") << "10000";
    bundle.config["linux"]["cgroupsPath"] = "/" + name;
    auto r = run_script(ocirt, bundle, "cat /proc/self/stat");
    for (const auto& leftover : cgroups_named(name)) fs::remove(leftover);
    CHECK(r.exit_code == 0);
    auto fields = stat_fields(r.out);
    REQUIRE(fields.size() > 38);
    CHECK(fields[40 - 3] == "10");  // rt_priority
    CHECK(fields[41 - 3] == "1");   // policy: SCHED_FIFO
}

TEST_CASE("process attributes: SCHED_DEADLINE parameters and scheduler flags as sched_getattr reads them on the init") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["scheduler"] = {{"policy", "SCHED_DEADLINE"},
                                             {"runtime", 1000000},
                                             {"deadline", 5000000},
                                             {"period", 10000000},
                                             {"flags", {"SCHED_FLAG_RESET_ON_FORK"}}};
    Created created(ocirt, bundle);
    CAPTURE(read_file(created.files.path() + "/err"));
    REQUIRE(created.result.exit_code == 0);
    // sched_setattr(2) struct sched_attr, as sched_getattr fills it (SCHED_ATTR_SIZE_VER0).
    struct {
        uint32_t size, policy;
        uint64_t flags;
        int32_t nice;
        uint32_t priority;
        uint64_t runtime, deadline, period;
    } attr{};
    REQUIRE(syscall(SYS_sched_getattr, created.pid, &attr, sizeof attr, 0) == 0);
    CHECK(attr.policy == SCHED_DEADLINE);
    CHECK((attr.flags & SCHED_FLAG_RESET_ON_FORK) != 0);
    CHECK(attr.runtime == 1000000);
    CHECK(attr.deadline == 5000000);
    CHECK(attr.period == 10000000);
}

TEST_CASE("process attributes: ioPriority as ioprio_get reads it from the host on the init") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_BE"}, {"priority", 6}};
    Created best_effort(ocirt, bundle);
    REQUIRE(best_effort.result.exit_code == 0);
    CHECK(syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, best_effort.pid) == IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 6));

    bundle.config["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_RT"}, {"priority", 2}};
    Created realtime(ocirt, bundle);
    REQUIRE(realtime.result.exit_code == 0);
    CHECK(syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, realtime.pid) == IOPRIO_PRIO_VALUE(IOPRIO_CLASS_RT, 2));
}

TEST_CASE("process attributes: apparmorProfile is refused on a host without AppArmor") {
    OCIRT_SKIP_IF(fs::exists("/sys/module/apparmor/parameters/enabled"), "this host has AppArmor");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["apparmorProfile"] = "ocirt-test";
    std::string id = unique_id("apparmor");
    auto r = create_expecting_failure(ocirt, bundle, id);
    CHECK(r.err.find("/process/apparmorProfile: AppArmor is not enabled on this host") != std::string::npos);
}

TEST_CASE("process attributes: apparmorProfile is applied: the init runs under the profile, as the kernel's attr/current shows") {
    OCIRT_SKIP_IF(!apparmor_usable(), "no AppArmor (its securityfs) on this host");
    AppArmorProfile profile(unique_id("ocirt-aa"));
    INFO("apparmor_parser: " << profile.error());
    REQUIRE(profile.loaded());
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["apparmorProfile"] = profile.name();
    Result r = run_script(ocirt, bundle, "cat /proc/self/attr/current");
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out == profile.current());
}

TEST_CASE("process attributes: selinuxLabel is refused on a host without SELinux") {
    OCIRT_SKIP_IF(fs::exists("/sys/fs/selinux/enforce"), "this host has SELinux");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0";
    std::string id = unique_id("selinux");
    auto r = create_expecting_failure(ocirt, bundle, id);
    CHECK(r.err.find("/process/selinuxLabel: SELinux is not enabled on this host") != std::string::npos);
}

TEST_CASE("process attributes: intelRdt is refused on a host without resctrl") {
    OCIRT_SKIP_IF(fs::exists("/sys/fs/resctrl/info"), "this host has a resctrl file system");
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["linux"]["intelRdt"] = {{"closID", "ocirt-test"}};
    std::string id = unique_id("rdt");
    auto r = create_expecting_failure(ocirt, bundle, id);
    CHECK(r.err.find("/linux/intelRdt: Intel RDT needs the resctrl file system") != std::string::npos);
}
