#include <doctest/doctest.h>
#include <sched.h>
#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cgroups/resource_writes.hpp"
#include "plan/init_plan.hpp"
#include "plan/mount_options.hpp"
#include "runtime/features.hpp"
#include "config/load.hpp"
#include "config/schema_check.hpp"
#include "config/version.hpp"
#include "config_support.hpp"
#include "util/error.hpp"

using namespace ocirt;
using nlohmann::json;
using spec_test::TempBundle;

namespace {

// The document as `ocirt features` prints it, read back as plain JSON.
const json& document() {
    static const json doc = json::parse(runtime::features_document().dump());
    return doc;
}

std::vector<std::string> listed(const std::string& pointer) {
    return document().at(json::json_pointer(pointer)).get<std::vector<std::string>>();
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

json busybox() { return json::parse(spec_test::read_data_file(spec_test::data_dir() / "valid" / "busybox.json")); }

// config.json text through the loader (schema, rules, model): a listed name must pass all three.
config::Config load(const json& config, const TempBundle& bundle) {
    auto result = config::load_config_text(config.dump(), bundle.path().string());
    for (const auto& d : result.diagnostics) FAIL_CHECK(d.to_string());
    REQUIRE(result.config);
    return *result.config;
}

// The whole plan `ocirt create` makes before fork (mounts, namespaces, process, seccomp compiled to BPF).
plan::InitPlan plan_of(const json& config, const plan::HostFacts& host = {}) {
    TempBundle bundle;
    return plan::make_init_plan(load(config, bundle), host, {bundle.path().string()});
}

std::string planning_error(const json& config, const plan::HostFacts& host) {
    try {
        plan_of(config, host);
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

std::vector<std::string> problems(const json& doc) {
    std::vector<std::string> out;
    for (const auto& d : config::features_schema().validate(doc)) out.push_back(d.describe());
    return out;
}

}  // namespace

TEST_CASE("features: the document validates against schemas/features-schema.json") {
    CHECK(problems(document()) == std::vector<std::string>{});
    // Every property the spec defines is there, so that none is left "unknown" by accident.
    for (const char* key : {"/ociVersionMin", "/ociVersionMax", "/hooks", "/mountOptions", "/annotations",
                            "/potentiallyUnsafeConfigAnnotations", "/linux/namespaces", "/linux/capabilities",
                            "/linux/cgroup/v1", "/linux/cgroup/v2", "/linux/cgroup/systemd", "/linux/cgroup/systemdUser",
                            "/linux/cgroup/rdma", "/linux/seccomp/enabled", "/linux/seccomp/actions",
                            "/linux/seccomp/operators", "/linux/seccomp/archs", "/linux/seccomp/knownFlags",
                            "/linux/seccomp/supportedFlags", "/linux/apparmor/enabled", "/linux/selinux/enabled",
                            "/linux/intelRdt/enabled", "/linux/intelRdt/schemata", "/linux/intelRdt/monitoring",
                            "/linux/memoryPolicy/modes", "/linux/memoryPolicy/flags", "/linux/netDevices/enabled",
                            "/linux/mountExtensions/idmap/enabled"}) {
        CAPTURE(key);
        CHECK(document().contains(json::json_pointer(key)));
    }
}

TEST_CASE("features: the schema takes the spec's minimal document and nulls, and refuses malformed ones") {
    json minimal = {{"ociVersionMin", "1.0.0"}, {"ociVersionMax", "1.2.0"}};
    CHECK(problems(minimal).empty());
    // features.md: every property but the two versions "MAY either be absent or have the null value".
    json nulls = minimal;
    for (const char* key : {"hooks", "mountOptions", "linux", "annotations", "potentiallyUnsafeConfigAnnotations"})
        nulls[key] = nullptr;
    CHECK(problems(nulls).empty());
    nulls["linux"] = {{"namespaces", nullptr}, {"cgroup", {{"rdma", nullptr}}}, {"seccomp", nullptr}};
    CHECK(problems(nulls).empty());

    json no_min = document();
    no_min.erase("ociVersionMin");
    CHECK(problems(no_min) == std::vector<std::string>{"/ociVersionMin: is required (schema: required)"});

    json number_in_list = document();
    number_in_list["mountOptions"].push_back(7);
    auto p = problems(number_in_list);
    REQUIRE(p.size() == 1);
    CHECK(p[0].find("/mountOptions/" + std::to_string(number_in_list["mountOptions"].size() - 1)) == 0);
    CHECK(p[0].find("(schema: type)") != std::string::npos);

    json version_not_string = document();
    version_not_string["ociVersionMax"] = 1.2;
    CHECK(problems(version_not_string).size() == 1);

    json unknown_namespace = document();
    unknown_namespace["linux"]["namespaces"].push_back("net");
    p = problems(unknown_namespace);
    REQUIRE(p.size() == 1);
    CHECK(p[0].find("(schema: enum)") != std::string::npos);

    json bad_capability = document();
    bad_capability["linux"]["capabilities"].push_back("chown");
    CHECK(problems(bad_capability).size() == 1);

    // features.md: "MUST NOT contain properties that are not defined in this version".
    json extra = document();
    extra["linux"]["landlock"] = {{"enabled", true}};
    CHECK(problems(extra).size() == 1);
    // 1.3's additions are defined: netDevices, memoryPolicy, intelRdt's schemata and monitoring.
    json v13 = minimal;
    v13["linux"] = {{"netDevices", {{"enabled", true}}},
                    {"memoryPolicy", {{"modes", {"MPOL_BIND"}}, {"flags", {"MPOL_F_STATIC_NODES"}}}},
                    {"intelRdt", {{"enabled", true}, {"schemata", true}, {"monitoring", false}}}};
    CHECK(problems(v13).empty());
    v13["linux"]["memoryPolicy"]["modes"].push_back("MPOL_NONSENSE");
    CHECK(problems(v13).size() == 1);
    json not_bool = document();
    not_bool["linux"]["cgroup"]["v2"] = "yes";
    CHECK(problems(not_bool).size() == 1);
}

TEST_CASE("features: ociVersionMin and ociVersionMax are accepted as config.json's ociVersion") {
    CHECK(document()["ociVersionMin"] == config::kOciVersionMin);
    CHECK(document()["ociVersionMax"] == config::kOciVersion);
    TempBundle bundle;
    for (const char* v : {config::kOciVersionMin, config::kOciVersion}) {
        CAPTURE(v);
        json config = busybox();
        config["ociVersion"] = v;
        load(config, bundle);
    }
    json config = busybox();
    config["ociVersion"] = "2.0.0";
    CHECK_FALSE(config::load_config_text(config.dump(), bundle.path().string()).diagnostics.empty());
    // features.md: ociVersionMax "MUST NOT be less than" ociVersionMin.
    auto numbers = [](const char* version) {
        std::array<int, 3> n{};
        REQUIRE(std::sscanf(version, "%d.%d.%d", &n[0], &n[1], &n[2]) == 3);
        return n;
    };
    CHECK(numbers(config::kOciVersionMin) <= numbers(config::kOciVersion));
}

TEST_CASE("features: every listed hook is loaded into its own hook list") {
    const std::vector<std::vector<config::Hook> config::Hooks::*> members = {
        &config::Hooks::prestart,       &config::Hooks::createRuntime, &config::Hooks::createContainer,
        &config::Hooks::startContainer, &config::Hooks::poststart,     &config::Hooks::poststop};
    auto hooks = listed("/hooks");
    CHECK(hooks.size() == members.size());
    std::set<std::size_t> filled;
    TempBundle bundle;
    for (const auto& name : hooks) {
        CAPTURE(name);
        json config = busybox();
        config["hooks"][name] = json::array({{{"path", "/bin/true"}}});
        config::Config loaded = load(config, bundle);
        std::vector<std::size_t> nonempty;
        for (std::size_t i = 0; i < members.size(); ++i)
            if (!(loaded.hooks.*members[i]).empty()) nonempty.push_back(i);
        REQUIRE(nonempty.size() == 1);
        filled.insert(nonempty[0]);
    }
    CHECK(filled.size() == members.size());
}

TEST_CASE("features: every listed mount option is recognized by the mount option parser and planned") {
    auto options = listed("/mountOptions");
    CHECK(options == plan::known_mount_options());
    for (const char* expected : {"rro", "rbind", "idmap", "ridmap", "rprivate", "runbindable", "rnosymfollow", "remount", "tmpcopyup"})
        CHECK(contains(options, expected));
    for (const auto& option : options) {
        CAPTURE(option);
        // Recognized: not passed on to mount(2) as filesystem data.
        CHECK(plan::parse_mount_options({option}).data.empty());
        json config = busybox();
        json mount = {{"destination", "/mnt"}, {"source", "/tmp"}, {"options", {"rbind", option}}};
        if (option == "idmap" || option == "ridmap") {
            mount["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}});
            mount["gidMappings"] = mount["uidMappings"];
        }
        config["mounts"].push_back(mount);
        CHECK_NOTHROW(plan_of(config));
    }
    // What the mount code does not do is not listed: these would go to the filesystem as data.
    for (const char* not_done : {"acl", "noacl"}) {
        CHECK_FALSE(contains(options, not_done));
        CHECK(plan::parse_mount_options({not_done}).data == not_done);
    }
}

TEST_CASE("features: every listed namespace type is created and joined by the plan") {
    // clone(2)'s flag for each namespace type of config-linux.md.
    const std::map<std::string, int> kernel_flag = {
        {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},   {"ipc", CLONE_NEWIPC},
        {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},   {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME}};
    auto types = listed("/linux/namespaces");
    CHECK(types.size() == kernel_flag.size());
    for (const auto& type : types) {
        CAPTURE(type);
        REQUIRE(kernel_flag.count(type) == 1);
        json config = busybox();
        config["linux"]["namespaces"] = json::array({{{"type", type}}});
        config.erase("hostname");  // rules: a hostname needs a uts namespace
        if (type == "user") {
            config["linux"]["uidMappings"] = json::array({{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}});
            config["linux"]["gidMappings"] = config["linux"]["uidMappings"];
        }
        if (type != "mount") config["linux"]["namespaces"].push_back({{"type", "mount"}});
        plan::InitPlan made = plan_of(config);
        // User and cgroup namespaces are planned apart from unshare_flags: the parent writes the user
        // namespace's maps, and the init makes its cgroup namespace once it is in its cgroup.
        if (type == "user")
            CHECK(made.new_user_namespace);
        else if (type == "cgroup")
            CHECK(made.new_cgroup_namespace);
        else
            CHECK((made.unshare_flags & kernel_flag.at(type)) != 0);

        config["linux"]["namespaces"][0]["path"] = "/proc/self/ns/" + type;
        made = plan_of(config);
        CHECK(std::any_of(made.joins.begin(), made.joins.end(), [&](const plan::NamespaceJoin& j) {
            return j.type == type && j.clone_flag == kernel_flag.at(type) && j.path == "/proc/self/ns/" + type;
        }));
    }
}

TEST_CASE("features: every listed capability is parsed into its bit of the capability sets") {
    auto caps = listed("/linux/capabilities");
    CHECK(caps.size() == 41);  // capabilities(7): CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40)
    std::set<uint64_t> bits;
    for (const auto& cap : caps) {
        CAPTURE(cap);
        json config = busybox();
        config["process"]["capabilities"] = {{"bounding", {cap}}, {"permitted", {cap}}, {"effective", {cap}}};
        plan::InitPlan made = plan_of(config);
        uint64_t bounding = made.process.capabilities.bounding;
        CHECK(bounding != 0);
        CHECK((bounding & (bounding - 1)) == 0);  // exactly one bit
        bits.insert(bounding);
    }
    CHECK(bits.size() == caps.size());
}

TEST_CASE("features: every listed seccomp action, operator and architecture compiles into a filter") {
    auto with_seccomp = [](json seccomp) {
        json config = busybox();
        config["linux"]["seccomp"] = std::move(seccomp);
        return config;
    };
    auto actions = listed("/linux/seccomp/actions");
    CHECK(contains(actions, "SCMP_ACT_ERRNO"));
    for (const auto& action : actions) {
        CAPTURE(action);
        json rule = {{"names", {"getpid"}}, {"action", action}};
        json seccomp = {{"defaultAction", action == "SCMP_ACT_ALLOW" ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW"},
                        {"syscalls", {rule}}};
        if (action == "SCMP_ACT_NOTIFY") seccomp["listenerPath"] = "/run/agent.sock";
        plan::InitPlan made = plan_of(with_seccomp(seccomp));
        REQUIRE(made.seccomp);
        CHECK(made.seccomp->rules.size() == 1);
        CHECK_FALSE(made.seccomp->program.empty());
    }
    for (const auto& op : listed("/linux/seccomp/operators")) {
        CAPTURE(op);
        json rule = {{"names", {"umask"}}, {"action", "SCMP_ACT_ERRNO"}, {"args", {{{"index", 0}, {"value", 7}, {"op", op}}}}};
        plan::InitPlan made = plan_of(with_seccomp({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule}}}));
        REQUIRE(made.seccomp);
        CHECK(made.seccomp->rules.at(0).conditions.size() == 1);
    }
    auto archs = listed("/linux/seccomp/archs");
    CHECK(contains(archs, "SCMP_ARCH_X86_64"));
    for (const auto& arch : archs) {
        CAPTURE(arch);
        plan::InitPlan made = plan_of(with_seccomp({{"defaultAction", "SCMP_ACT_ALLOW"}, {"architectures", {arch}},
                                                    {"syscalls", {{{"names", {"getpid"}}, {"action", "SCMP_ACT_ERRNO"}}}}}));
        REQUIRE(made.seccomp);
        CHECK(made.seccomp->architectures.size() == 1);
    }
}

TEST_CASE("features: known seccomp flags are parsed; supported ones pass this kernel's check") {
    auto known = listed("/linux/seccomp/knownFlags");
    auto supported = listed("/linux/seccomp/supportedFlags");
    for (const auto& flag : supported) CHECK(contains(known, flag));
    for (const auto& flag : known) {
        CAPTURE(flag);
        // With a listener, so that WAIT_KILLABLE_RECV is kept in the filter's flags (it needs one).
        json config = busybox();
        config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                      {"flags", {flag}},
                                      {"listenerPath", "/run/agent.sock"},
                                      {"syscalls", {{{"names", {"getppid"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
        std::string error = planning_error(config, {});
        CHECK(error.find("unknown seccomp flag") == std::string::npos);
        if (contains(supported, flag)) CHECK(error == "no error");
    }
}

TEST_CASE("features: the booleans match what the code does") {
    const json& linux_ = document()["linux"];
    // rdma: linux.resources.rdma becomes rdma.max writes on v1 and on v2.
    config::Resources r;
    r.rdma["mlx5_0"] = {1, 2};
    auto writes_rdma = [](const std::vector<cgroups::FileWrite>& writes) {
        return std::any_of(writes.begin(), writes.end(), [](const auto& w) { return w.group == cgroups::Group::rdma; });
    };
    CHECK(linux_["cgroup"]["rdma"] == (writes_rdma(cgroups::v1_writes(r)) && writes_rdma(cgroups::v2_writes(r))));

    // apparmor: the profile reaches the process plan (the init writes it before execve).
    json config = busybox();
    config["process"]["apparmorProfile"] = "ocirt-test";
    plan::HostFacts apparmor_host;
    apparmor_host.security.apparmor = true;
    CHECK(linux_["apparmor"]["enabled"] == (plan_of(config, apparmor_host).process.apparmor_profile == "ocirt-test"));

    // selinux: a process label is refused even on a host with SELinux.
    config = busybox();
    config["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0";
    plan::HostFacts selinux_host;
    selinux_host.security.selinux = true;
    CHECK(linux_["selinux"]["enabled"] == false);
    CHECK(planning_error(config, selinux_host).find("not supported by ocirt") != std::string::npos);

    // intelRdt: refused even with resctrl mounted.
    config = busybox();
    config["linux"]["intelRdt"] = {{"closID", "ocirt"}};
    plan::HostFacts resctrl_host;
    resctrl_host.security.resctrl = true;
    CHECK(linux_["intelRdt"]["enabled"] == false);
    CHECK(planning_error(config, resctrl_host).find("not supported by ocirt") != std::string::npos);
    // 1.3's schemata and enableMonitoring: refused with the rest of intelRdt.
    config["linux"]["intelRdt"] = {{"schemata", {"L2:0=f"}}, {"enableMonitoring", true}};
    CHECK(linux_["intelRdt"]["schemata"] == false);
    CHECK(linux_["intelRdt"]["monitoring"] == false);
    CHECK(planning_error(config, resctrl_host).find("/linux/intelRdt") != std::string::npos);

    // memoryPolicy: every listed mode and flag is planned into its set_mempolicy(2) value.
    for (const auto& mode : linux_["memoryPolicy"]["modes"]) {
        CAPTURE(mode);
        config = busybox();
        bool no_nodes = mode == "MPOL_DEFAULT" || mode == "MPOL_LOCAL";
        config["linux"]["memoryPolicy"] = {{"mode", mode}};
        if (!no_nodes) config["linux"]["memoryPolicy"]["nodes"] = "0";
        auto planned = plan_of(config).memory_policy;
        REQUIRE(planned);
        CHECK(planned->description.find(mode.get<std::string>()) == 0);
    }
    std::set<unsigned> flag_values;
    for (const auto& flag : linux_["memoryPolicy"]["flags"]) {
        CAPTURE(flag);
        config = busybox();
        config["linux"]["memoryPolicy"] = {{"mode", "MPOL_BIND"}, {"nodes", "0"}, {"flags", {flag}}};
        auto planned = plan_of(config).memory_policy;
        REQUIRE(planned);
        CHECK(planned->flags != 0);
        flag_values.insert(planned->flags);
    }
    CHECK(flag_values.size() == linux_["memoryPolicy"]["flags"].size());

    // netDevices: each linux.netDevices entry reaches the plan, renamed or not (runtime/net_devices.cpp moves it).
    config = busybox();
    config["linux"]["netDevices"] = {{"veth7", {{"name", "eth%d"}}}, {"veth8", json::object()}};
    plan::InitPlan made = plan_of(config);
    REQUIRE(made.net_devices.size() == 2);
    CHECK(linux_["netDevices"]["enabled"] == true);
    CHECK(made.net_devices[0].host_name == "veth7");
    CHECK(made.net_devices[0].name == "eth%d");
    CHECK(made.net_devices[0].pattern);
    CHECK(made.net_devices[0].pointer == "/linux/netDevices/veth7");
    CHECK(made.net_devices[1].name == "veth8");
    CHECK_FALSE(made.net_devices[1].pattern);

    // mountExtensions.idmap: mounts[].uidMappings make an idmapped bind.
    config = busybox();
    json ids = json::array({{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}});
    config["mounts"].push_back({{"destination", "/mnt"}, {"source", "/tmp"}, {"options", {"rbind"}},
                                {"uidMappings", ids}, {"gidMappings", ids}});
    made = plan_of(config);
    CHECK(linux_["mountExtensions"]["idmap"]["enabled"] == made.mounts.back().idmap);
    CHECK(made.mounts.back().uid_mappings.size() == 1);
}

TEST_CASE("features: annotations name this build, its libseccomp and checkpoint support; the one config annotation acted on is listed") {
    const json& a = document()["annotations"];
    CHECK(a.at(runtime::kVersionAnnotation) == OCIRT_VERSION);
    CHECK(a.at(runtime::kCheckpointAnnotation) == "true");
    const scmp_version* v = seccomp_version();
    CHECK(a.at(runtime::kLibseccompVersionAnnotation) ==
          std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro));
    CHECK(document()["potentiallyUnsafeConfigAnnotations"] == json::array({"run.oci.keep_original_groups"}));
}
