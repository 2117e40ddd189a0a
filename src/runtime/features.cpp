#include "runtime/features.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "linux/capabilities.hpp"
#include "linux/seccomp.hpp"
#include "plan/memory_policy.hpp"
#include "plan/mount_options.hpp"
#include "plan/names.hpp"
#include "plan/seccomp_plan.hpp"
#include "config/embedded_schemas.hpp"
#include "config/hook_kinds.hpp"
#include "config/version.hpp"

namespace ocirt::runtime {
namespace {

using ojson = nlohmann::ordered_json;
using Names = std::vector<std::string>;

Names sorted(Names names) {
    std::sort(names.begin(), names.end());
    return names;
}

Names hook_names() {
    Names out;
    for (const auto& kind : config::kHookKinds) out.push_back(kind.name);
    return out;
}

Names capability_names() {
    Names out;
    for (const auto& cap : linux_::capability_names()) out.emplace_back(cap.name);
    return out;
}

// The architectures config.json may name (the config schema's SeccompArch; libseccomp offers no list of its
// own) that this libseccomp resolves and adds beside the native one: plan_seccomp refuses the others.
Names seccomp_archs() {
    Names out;
    for (const auto& schema : config::embedded_schemas()) {
        if (schema.name != "defs-linux.json") continue;
        auto defs = nlohmann::json::parse(schema.text);
        for (const auto& entry : defs.at("definitions").at("SeccompArch").at("enum")) {
            auto name = entry.get<std::string>();
            auto arch = plan::seccomp_architecture(name);
            if (arch && linux_::libseccomp_takes_architecture(*arch)) out.push_back(name);
        }
    }
    return sorted(out);
}

// libseccomp checks an action against the kernel when a rule uses it (SCMP_ACT_LOG, SCMP_ACT_NOTIFY and
// SCMP_ACT_KILL_PROCESS need newer kernels than the others).
Names seccomp_actions() {
    Names out;
    for (const auto& name : plan::seccomp_action_names())
        if (linux_::libseccomp_takes_action(*plan::seccomp_action(name, std::nullopt))) out.push_back(name);
    return sorted(out);
}

// ocirt loads the filter with seccomp(2) itself, so the kernel alone decides which flags work.
Names supported_seccomp_flags() {
    Names out;
    for (const auto& name : plan::seccomp_filter_flag_names())
        if (linux_::kernel_takes_filter_flag(*plan::seccomp_filter_flag(name))) out.push_back(name);
    return out;
}

ojson linux_features() {
    ojson linux_;
    linux_["namespaces"] = plan::namespace_types();
    linux_["capabilities"] = capability_names();
    linux_["cgroup"] = {
        {"v1", true},            // cgroups/v1/resources.cpp, v1_apply.cpp
        {"v2", true},            // cgroups/v2/resources.cpp (hybrid hosts too, see manager_apply.cpp)
        {"systemd", true},       // --systemd-cgroup: cgroups/systemd/ over systemd's socket or the system bus
        {"systemdUser", true},   // rootless --systemd-cgroup: the user's instance (cgroups/systemd/bus.cpp), cgroup v2
        {"rdma", true},          // linux.resources.rdma → rdma.max on v1 and v2 (cgroups/v1/resources.cpp, cgroups/v2/resources.cpp)
    };
    linux_["seccomp"] = {
        {"enabled", true},
        {"actions", seccomp_actions()},
        {"operators", plan::seccomp_operator_names()},
        {"archs", seccomp_archs()},
        {"knownFlags", plan::seccomp_filter_flag_names()},
        {"supportedFlags", supported_seccomp_flags()},
    };
    // process.apparmorProfile is applied (linux/apparmor.cpp); process.selinuxLabel is refused
    // (plan/process_plan.cpp) and linux.intelRdt too (plan/kernel_settings.cpp), with its 1.3 schemata and
    // enableMonitoring.
    linux_["apparmor"] = {{"enabled", true}};
    linux_["selinux"] = {{"enabled", false}};
    // features-linux.md MemoryPolicy: the modes and flags linux.memoryPolicy takes (plan/memory_policy.cpp),
    // whether or not this host's kernel knows them.
    linux_["memoryPolicy"] = {{"modes", plan::memory_policy_mode_names()}, {"flags", plan::memory_policy_flag_names()}};
    linux_["intelRdt"] = {{"enabled", false}, {"schemata", false}, {"monitoring", false}};
    // linux.netDevices: moved into the container's network namespace (runtime/net_devices.cpp); runtime-spec
    // 1.3's features-linux.md "NetDevices", which config.json's linux.netDevices came with.
    linux_["netDevices"] = {{"enabled", true}};
    // mounts[].uidMappings/gidMappings and idmap/ridmap: idmapped bind mounts (init/bind_trees.cpp).
    linux_["mountExtensions"] = {{"idmap", {{"enabled", true}}}};
    return linux_;
}

}  // namespace

ojson features_document() {
    ojson doc;
    doc["ociVersionMin"] = config::kOciVersionMin;
    doc["ociVersionMax"] = config::kOciVersion;
    doc["hooks"] = hook_names();
    doc["mountOptions"] = plan::known_mount_options();
    doc["linux"] = linux_features();
    doc["annotations"] = {
        {kVersionAnnotation, OCIRT_VERSION},
        {kLibseccompVersionAnnotation, linux_::libseccomp_version()},
        {kCheckpointAnnotation, "true"},
    };
    // features-linux.md: the config annotations that change what the runtime does in a way that can weaken
    // the container. run.oci.keep_original_groups keeps the caller's supplementary groups in the container.
    doc["potentiallyUnsafeConfigAnnotations"] = ojson::array({"run.oci.keep_original_groups"});
    return doc;
}

}  // namespace ocirt::runtime
