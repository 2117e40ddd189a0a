#include "config/rules.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include "config/hook_kinds.hpp"
#include "config/json_pointer.hpp"
#include "config/known_names.hpp"
#include "linux/capabilities.hpp"
#include "config/sysctl_rules.hpp"
#include "util/error.hpp"

namespace ocirt::config {
namespace {

using Out = std::vector<Diagnostic>;

void report(Out& out, std::string pointer, std::string message, std::string_view rule) {
    out.push_back({std::move(pointer), std::move(message), "rule: " + std::string(rule)});
}

bool absolute(const std::string& path) { return !path.empty() && path[0] == '/'; }

std::string must_be_absolute(const std::string& path) { return "must be an absolute path, got " + ocirt::quoted(path); }

const std::vector<Namespace>* namespaces(const Config& c) { return c.linux_ ? &c.linux_->namespaces : nullptr; }

const Namespace* find_namespace(const Config& c, std::string_view type) {
    if (auto* ns = namespaces(c))
        for (const auto& n : *ns)
            if (n.type == type) return &n;
    return nullptr;
}

bool digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; }); }

bool numeric_identifier(std::string_view s) { return digits(s) && (s.size() == 1 || s[0] != '0'); }

bool dotted_identifiers(std::string_view s, bool no_leading_zero) {
    if (s.empty()) return false;
    std::size_t start = 0;
    while (true) {
        auto dot = s.find('.', start);
        std::string_view id = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (id.empty()) return false;
        for (char ch : id)
            if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-')) return false;
        if (no_leading_zero && digits(id) && !numeric_identifier(id)) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

// semver.org 2.0.0: MAJOR.MINOR.PATCH[-pre.release][+build.meta], no leading zeros in numbers.
bool semver(std::string_view v, std::string_view& major) {
    auto plus = v.find('+');
    if (plus != std::string_view::npos) {
        if (!dotted_identifiers(v.substr(plus + 1), false)) return false;
        v = v.substr(0, plus);
    }
    auto dash = v.find('-');
    if (dash != std::string_view::npos) {
        if (!dotted_identifiers(v.substr(dash + 1), true)) return false;
        v = v.substr(0, dash);
    }
    auto d1 = v.find('.');
    auto d2 = d1 == std::string_view::npos ? d1 : v.find('.', d1 + 1);
    if (d2 == std::string_view::npos) return false;
    major = v.substr(0, d1);
    return numeric_identifier(major) && numeric_identifier(v.substr(d1 + 1, d2 - d1 - 1)) && numeric_identifier(v.substr(d2 + 1));
}

void oci_version(const RuleInput& in, Out& out) {
    std::string_view major;
    const std::string& v = in.config.ociVersion;
    if (!semver(v, major))
        report(out, "/ociVersion", "must be a SemVer 2.0.0 version such as \"1.2.0\", got " + ocirt::quoted(v), "oci-version");
    else if (major != "1")
        report(out, "/ociVersion", "version " + ocirt::quoted(v) + " is not supported: this runtime implements runtime-spec 1.x",
               "oci-version");
}

// config.md Root: "A directory MUST exist at the path declared by the field."
void root_directory(const RuleInput& in, Out& out) {
    struct stat st {};
    if (::stat(in.root_resolved.c_str(), &st) != 0)
        report(out, "/root/path", ocirt::quoted(in.root_resolved) + ": " + std::strerror(errno), "root-directory");
    else if (!S_ISDIR(st.st_mode))
        report(out, "/root/path", ocirt::quoted(in.root_resolved) + " is not a directory", "root-directory");
}

// config.md POSIX mounts: uidMappings "MUST be specified along with gidMappings" and the reverse.
void mount_idmap_pairs(const RuleInput& in, Out& out) {
    for (std::size_t i = 0; i < in.config.mounts.size(); ++i) {
        const auto& m = in.config.mounts[i];
        if (m.uidMappings.empty() != m.gidMappings.empty())
            report(out, pointer_join("/mounts", i) + (m.uidMappings.empty() ? "/uidMappings" : "/gidMappings"),
                   "is required when " + std::string(m.uidMappings.empty() ? "gidMappings" : "uidMappings") + " is given",
                   "mount-idmap-pairs");
    }
}

// config.md idmap/ridmap: without mappings and without a user namespace "an error MUST be returned".
void mount_idmap_option(const RuleInput& in, Out& out) {
    bool userns = find_namespace(in.config, "user") != nullptr;
    for (std::size_t i = 0; i < in.config.mounts.size(); ++i) {
        const auto& m = in.config.mounts[i];
        for (std::size_t k = 0; k < m.options.size(); ++k)
            if ((m.options[k] == "idmap" || m.options[k] == "ridmap") && m.uidMappings.empty() && !userns)
                report(out, pointer_join(pointer_join("/mounts", i) + "/options", k),
                       ocirt::quoted(m.options[k]) + " needs uidMappings and gidMappings or a user namespace", "mount-idmap-option");
    }
}

void id_mapping_sizes(const std::vector<IdMapping>& maps, const std::string& base, Out& out) {
    for (std::size_t i = 0; i < maps.size(); ++i)
        if (maps[i].size == 0) report(out, pointer_join(base, i) + "/size", "must be at least 1", "id-mapping-size");
}

// user_namespaces(7): a uid_map line with length 0 is rejected (EINVAL).
void id_mapping_size(const RuleInput& in, Out& out) {
    for (std::size_t i = 0; i < in.config.mounts.size(); ++i) {
        id_mapping_sizes(in.config.mounts[i].uidMappings, pointer_join("/mounts", i) + "/uidMappings", out);
        id_mapping_sizes(in.config.mounts[i].gidMappings, pointer_join("/mounts", i) + "/gidMappings", out);
    }
    if (in.config.linux_) {
        id_mapping_sizes(in.config.linux_->uidMappings, "/linux/uidMappings", out);
        id_mapping_sizes(in.config.linux_->gidMappings, "/linux/gidMappings", out);
    }
}

// config-linux.md Namespaces: duplicated types MUST be an error.
void namespace_unique(const RuleInput& in, Out& out) {
    auto* ns = namespaces(in.config);
    if (!ns) return;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < ns->size(); ++i)
        if (!seen.insert((*ns)[i].type).second)
            report(out, pointer_join("/linux/namespaces", i) + "/type", "namespace type " + ocirt::quoted((*ns)[i].type) + " is listed twice",
                   "namespace-unique");
}

void namespace_path_absolute(const RuleInput& in, Out& out) {
    auto* ns = namespaces(in.config);
    if (!ns) return;
    for (std::size_t i = 0; i < ns->size(); ++i)
        if ((*ns)[i].path && !absolute(*(*ns)[i].path))
            report(out, pointer_join("/linux/namespaces", i) + "/path", must_be_absolute(*(*ns)[i].path), "namespace-path-absolute");
}

void mappings_need_user_namespace(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || find_namespace(in.config, "user")) return;
    if (!in.config.linux_->uidMappings.empty())
        report(out, "/linux/uidMappings", "needs a user namespace in /linux/namespaces", "mappings-need-user-namespace");
    if (!in.config.linux_->gidMappings.empty())
        report(out, "/linux/gidMappings", "needs a user namespace in /linux/namespaces", "mappings-need-user-namespace");
}

// user_namespaces(7): a new user namespace without uid_map/gid_map leaves every id unmapped (overflow id).
void user_namespace_needs_mappings(const RuleInput& in, Out& out) {
    const Namespace* user = find_namespace(in.config, "user");
    if (!user || user->path) return;
    if (in.config.linux_->uidMappings.empty())
        report(out, "/linux/uidMappings", "is required when a new user namespace is created", "user-namespace-needs-mappings");
    if (in.config.linux_->gidMappings.empty())
        report(out, "/linux/gidMappings", "is required when a new user namespace is created", "user-namespace-needs-mappings");
}

// config.md Process args: "at least one entry is REQUIRED (non-Windows)".
void process_args(const RuleInput& in, Out& out) {
    if (in.config.process && in.config.process->args.empty())
        report(out, "/process/args", "is required: at least 1 item", "process-args-required");
}

void process_cwd_absolute(const RuleInput& in, Out& out) {
    if (in.config.process && !absolute(in.config.process->cwd))
        report(out, "/process/cwd", must_be_absolute(in.config.process->cwd), "process-cwd-absolute");
}

void hook_path_absolute(const RuleInput& in, Out& out) {
    for (const auto& kind : kHookKinds) {
        const std::vector<Hook>& list = in.config.hooks.*kind.list;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (!absolute(list[i].path))
                report(out, pointer_join(std::string("/hooks/") + kind.name, i) + "/path", must_be_absolute(list[i].path),
                       "hook-path-absolute");
    }
}

void rlimit_known(const RuleInput& in, Out& out) {
    if (!in.config.process) return;
    const auto& rl = in.config.process->rlimits;
    for (std::size_t i = 0; i < rl.size(); ++i)
        if (!rlimit_resource(rl[i].type))
            report(out, pointer_join("/process/rlimits", i) + "/type", "unknown rlimit " + ocirt::quoted(rl[i].type) + " (see getrlimit(2))",
                   "rlimit-known");
}

// config.md rlimits: duplicated types MUST be an error.
void rlimit_unique(const RuleInput& in, Out& out) {
    if (!in.config.process) return;
    const auto& rl = in.config.process->rlimits;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < rl.size(); ++i)
        if (!seen.insert(rl[i].type).second)
            report(out, pointer_join("/process/rlimits", i) + "/type", "rlimit " + ocirt::quoted(rl[i].type) + " is listed twice",
                   "rlimit-unique");
}

// setrlimit(2): EINVAL when rlim_cur > rlim_max.
void rlimit_soft_within_hard(const RuleInput& in, Out& out) {
    if (!in.config.process) return;
    const auto& rl = in.config.process->rlimits;
    for (std::size_t i = 0; i < rl.size(); ++i)
        if (rl[i].soft > rl[i].hard)
            report(out, pointer_join("/process/rlimits", i) + "/soft",
                   "must not exceed hard (" + std::to_string(rl[i].hard) + "), got " + std::to_string(rl[i].soft),
                   "rlimit-soft-within-hard");
}

// config.md "Linux Process": runtime-spec 1.0.2 says a capability that cannot be mapped MUST cause an
// error; 1.1.0 relaxed it to "SHOULD NOT fail, but SHOULD log a warning" (plan/capability_sets.cpp warns).
void capability_known(const RuleInput& in, Out& out) {
    if (!in.config.process || !in.config.process->capabilities) return;
    if (!unknown_capability_is_error(in.config.ociVersion)) return;
    const auto& c = *in.config.process->capabilities;
    const std::pair<const char*, const std::optional<std::vector<std::string>>*> sets[] = {
        {"bounding", &c.bounding}, {"effective", &c.effective}, {"inheritable", &c.inheritable},
        {"permitted", &c.permitted}, {"ambient", &c.ambient}};
    for (const auto& [name, set] : sets) {
        if (!*set) continue;
        for (std::size_t i = 0; i < (*set)->size(); ++i)
            if (!linux_::capability_number((**set)[i]))
                report(out, pointer_join(std::string("/process/capabilities/") + name, i),
                       "unknown capability " + ocirt::quoted((**set)[i]) + " (see capabilities(7))", "capability-known");
    }
}

void device_path_absolute(const RuleInput& in, Out& out) {
    if (!in.config.linux_) return;
    const auto& d = in.config.linux_->devices;
    for (std::size_t i = 0; i < d.size(); ++i)
        if (!absolute(d[i].path)) report(out, pointer_join("/linux/devices", i) + "/path", must_be_absolute(d[i].path), "device-path-absolute");
}

// config-linux.md Devices: major, minor "REQUIRED unless type is p".
void device_numbers(const RuleInput& in, Out& out) {
    if (!in.config.linux_) return;
    const auto& d = in.config.linux_->devices;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (d[i].type == "p") continue;
        if (!d[i].major)
            report(out, pointer_join("/linux/devices", i) + "/major", "is required for a device of type " + ocirt::quoted(d[i].type), "device-numbers");
        if (!d[i].minor)
            report(out, pointer_join("/linux/devices", i) + "/minor", "is required for a device of type " + ocirt::quoted(d[i].type), "device-numbers");
    }
}

void paths_absolute(const std::vector<std::string>& paths, const std::string& base, std::string_view rule, Out& out) {
    for (std::size_t i = 0; i < paths.size(); ++i)
        if (!absolute(paths[i])) report(out, pointer_join(base, i), must_be_absolute(paths[i]), rule);
}

void masked_paths_absolute(const RuleInput& in, Out& out) {
    if (in.config.linux_) paths_absolute(in.config.linux_->maskedPaths, "/linux/maskedPaths", "masked-path-absolute", out);
}

void readonly_paths_absolute(const RuleInput& in, Out& out) {
    if (in.config.linux_) paths_absolute(in.config.linux_->readonlyPaths, "/linux/readonlyPaths", "readonly-path-absolute", out);
}

// time_namespaces(7): offsets can only be written before the first process enters a new time namespace.
void time_offsets_need_time_namespace(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || in.config.linux_->timeOffsets.empty()) return;
    const Namespace* t = find_namespace(in.config, "time");
    if (!t)
        report(out, "/linux/timeOffsets", "needs a time namespace in /linux/namespaces", "time-offsets-need-time-namespace");
    else if (t->path)
        report(out, "/linux/timeOffsets", "cannot be set when joining an existing time namespace (path given)",
               "time-offsets-need-time-namespace");
}

// time_namespaces(7): only the monotonic and boottime clocks have offsets; nanoseconds stay below 1e9.
void time_offset_clock(const RuleInput& in, Out& out) {
    if (!in.config.linux_) return;
    for (const auto& [clock, offset] : in.config.linux_->timeOffsets) {
        std::string p = pointer_join("/linux/timeOffsets", clock);
        if (clock != "monotonic" && clock != "boottime")
            report(out, p, "unknown clock " + ocirt::quoted(clock) + ": must be \"monotonic\" or \"boottime\"", "time-offset-clock");
        if (offset.nanosecs >= 1000000000u)
            report(out, p + "/nanosecs", "must be below 1000000000, got " + std::to_string(offset.nanosecs), "time-offset-clock");
    }
}

void uts_needed(const RuleInput& in, Out& out, const std::optional<std::string>& value, const char* field) {
    if (value && !value->empty() && !find_namespace(in.config, "uts"))
        report(out, std::string("/") + field, std::string("setting the ") + field + " needs a uts namespace in /linux/namespaces",
               "uts-namespace-needed");
}

// namespaces(7): without a UTS namespace sethostname/setdomainname would change the host's names.
void uts_namespace_needed(const RuleInput& in, Out& out) {
    uts_needed(in, out, in.config.hostname, "hostname");
    uts_needed(in, out, in.config.domainname, "domainname");
}

void sysctl_key(const RuleInput& in, Out& out) {
    if (!in.config.linux_) return;
    for (const auto& [key, value] : in.config.linux_->sysctl)
        if (key.empty() || key.find("..") != std::string::npos || key.front() == '.' || key.front() == '/')
            report(out, pointer_join("/linux/sysctl", key), "is not a sysctl name such as \"net.ipv4.ip_forward\"", "sysctl-key");
}

// config.md Annotations: "Keys MUST NOT be an empty string."
void annotation_key(const RuleInput& in, Out& out) {
    for (const auto& [key, value] : in.config.annotations)
        if (key.empty()) report(out, pointer_join("/annotations", key), "annotation keys must not be empty", "annotation-key");
}

bool errno_action(const std::string& action) { return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE"; }

// config-linux.md Seccomp: errnoRet with an action that takes no errno MUST be an error.
void seccomp_errno(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->seccomp) return;
    const auto& s = *in.config.linux_->seccomp;
    if (s.defaultErrnoRet && !errno_action(s.defaultAction))
        report(out, "/linux/seccomp/defaultErrnoRet", "is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + s.defaultAction,
               "seccomp-errno");
    for (std::size_t i = 0; i < s.syscalls.size(); ++i)
        if (s.syscalls[i].errnoRet && !errno_action(s.syscalls[i].action))
            report(out, pointer_join("/linux/seccomp/syscalls", i) + "/errnoRet",
                   "is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " + s.syscalls[i].action, "seccomp-errno");
}

// config-linux.md Seccomp: listenerMetadata "MUST NOT be set if listenerPath is not set".
void seccomp_listener(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->seccomp) return;
    const auto& s = *in.config.linux_->seccomp;
    if (s.listenerMetadata && !s.listenerPath)
        report(out, "/linux/seccomp/listenerMetadata", "needs listenerPath", "seccomp-listener");
    if (s.listenerPath && !absolute(*s.listenerPath))
        report(out, "/linux/seccomp/listenerPath", must_be_absolute(*s.listenerPath), "seccomp-listener");
}

// seccomp(2): a system call has at most six arguments (seccomp_data.args[6]).
void seccomp_arg_index(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->seccomp) return;
    const auto& calls = in.config.linux_->seccomp->syscalls;
    for (std::size_t i = 0; i < calls.size(); ++i)
        for (std::size_t k = 0; k < calls[i].args.size(); ++k)
            if (calls[i].args[k].index > 5)
                report(out, pointer_join(pointer_join("/linux/seccomp/syscalls", i) + "/args", k) + "/index",
                       "must be at most 5 (a system call has six arguments), got " + std::to_string(calls[i].args[k].index),
                       "seccomp-arg-index");
}

// config-linux.md Block IO: weightDevice entries MUST give weight or leafWeight.
void weight_device(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->resources || !in.config.linux_->resources->blockIO) return;
    const auto& wd = in.config.linux_->resources->blockIO->weightDevice;
    for (std::size_t i = 0; i < wd.size(); ++i)
        if (!wd[i].weight && !wd[i].leafWeight)
            report(out, pointer_join("/linux/resources/blockIO/weightDevice", i), "must give weight or leafWeight", "weight-device");
}

// config-linux.md RDMA: each entry MUST give hcaHandles or hcaObjects.
void rdma_limit(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->resources) return;
    for (const auto& [device, limit] : in.config.linux_->resources->rdma)
        if (!limit.hcaHandles && !limit.hcaObjects)
            report(out, pointer_join("/linux/resources/rdma", device), "must give hcaHandles or hcaObjects", "rdma-limit");
}

// config-linux.md CPU: burst "MUST be no larger than any positive quota".
void cpu_burst(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->resources || !in.config.linux_->resources->cpu) return;
    const auto& cpu = *in.config.linux_->resources->cpu;
    if (cpu.burst && cpu.quota && *cpu.quota > 0 && *cpu.burst > static_cast<uint64_t>(*cpu.quota))
        report(out, "/linux/resources/cpu/burst", "must not exceed quota (" + std::to_string(*cpu.quota) + "), got " + std::to_string(*cpu.burst),
               "cpu-burst");
}

// config-linux.md Personality: "Currently no flag values are supported."
void personality_flags(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || !in.config.linux_->personality) return;
    const auto& flags = in.config.linux_->personality->flags;
    for (std::size_t i = 0; i < flags.size(); ++i)
        report(out, pointer_join("/linux/personality/flags", i), "unsupported personality flag " + ocirt::quoted(flags[i]), "personality-flags");
}

// sched(7): nice is -20..19; a static priority is 1..99 for SCHED_FIFO/SCHED_RR and 0 otherwise; SCHED_DEADLINE
// needs runtime <= deadline <= period (sched_setattr(2)).
void scheduler(const RuleInput& in, Out& out) {
    if (!in.config.process || !in.config.process->scheduler) return;
    const auto& s = *in.config.process->scheduler;
    if (s.nice && (*s.nice < -20 || *s.nice > 19))
        report(out, "/process/scheduler/nice", "must be between -20 and 19, got " + std::to_string(*s.nice), "scheduler");
    bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
    int prio = s.priority.value_or(0);
    if (realtime && (prio < 1 || prio > 99))
        report(out, "/process/scheduler/priority", "must be between 1 and 99 for " + s.policy + ", got " + std::to_string(prio), "scheduler");
    if (!realtime && prio != 0)
        report(out, "/process/scheduler/priority", "must be 0 for " + s.policy + ", got " + std::to_string(prio), "scheduler");
    if (s.policy == "SCHED_DEADLINE") {
        uint64_t runtime = s.runtime.value_or(0), deadline = s.deadline.value_or(0), period = s.period.value_or(0);
        if (runtime == 0 || runtime > deadline || (period != 0 && deadline > period))
            report(out, "/process/scheduler", "SCHED_DEADLINE needs 0 < runtime <= deadline <= period", "scheduler");
    }
}

// netdevice(7): an interface name is 1..15 bytes (IFNAMSIZ - 1) without '/', ':' or whitespace.
bool interface_name(const std::string& name) {
    if (name.empty() || name.size() > 15 || name == "." || name == "..") return false;
    return std::none_of(name.begin(), name.end(), [](char ch) { return ch == '/' || ch == ':' || std::isspace(static_cast<unsigned char>(ch)); });
}

// The kernel's name template (dev_alloc_name, IFLA_IFNAME): one '%', followed by 'd'.
bool interface_name_template(const std::string& name) {
    auto percent = name.find('%');
    return percent == std::string::npos || (name.compare(percent, 2, "%d") == 0 && name.find('%', percent + 1) == std::string::npos);
}

// config-linux.md "Network Devices": each device moves into the container's network namespace, so there must be
// one. A device's name in use there is an error unless it is a "%d" template, so names that are bound to clash
// are refused here: every network namespace has its own "lo" (and the host's cannot move: the loopback device is
// NETIF_F_NETNS_LOCAL), and two devices cannot take one name.
void net_devices(const RuleInput& in, Out& out) {
    if (!in.config.linux_ || in.config.linux_->netDevices.empty()) return;
    const Namespace* net = find_namespace(in.config, "network");
    std::map<std::string, std::string> taken;  // a name in the container → the device that takes it
    for (const auto& [host, dev] : in.config.linux_->netDevices) {
        std::string p = pointer_join("/linux/netDevices", host);
        if (!net) report(out, p, "needs a network namespace in /linux/namespaces to move the device into", "net-devices");
        bool host_named = interface_name(host) && host.find('%') == std::string::npos;
        if (!host_named)
            report(out, p, "is not a network interface name: " + ocirt::quoted(host), "net-devices");
        else if (host == "lo")
            report(out, p, "the loopback device cannot leave its network namespace", "net-devices");
        if (!host_named && !dev.name) continue;
        std::string name_pointer = dev.name ? p + "/name" : p;
        const std::string& name = dev.name ? *dev.name : host;
        if (dev.name && !interface_name(*dev.name)) {
            report(out, name_pointer, "is not a network interface name: " + ocirt::quoted(*dev.name), "net-devices");
            continue;
        }
        if (!interface_name_template(name)) {
            report(out, name_pointer, "a name template holds one '%', as \"%d\": " + ocirt::quoted(name), "net-devices");
            continue;
        }
        if (name == "lo" && host != "lo") {
            report(out, name_pointer, "\"lo\" already exists in every network namespace", "net-devices");
            continue;
        }
        if (name.find("%d") != std::string::npos) continue;
        auto [first, fresh] = taken.emplace(name, p);
        if (!fresh)
            report(out, name_pointer, "the container's network namespace would get " + ocirt::quoted(name) + " twice: " + first->second +
                   " has that name too", "net-devices");
    }
}

// config.md: process.commandLine and process.user.username are for Windows, and windows, solaris, vm, zos
// and freebsd are the other platforms' sections. A Linux runtime has nothing to apply them with, and a
// field that is parsed and dropped would look applied, so a value there is refused (empty ones ask for nothing).
void other_platform(const RuleInput& in, Out& out) {
    if (const auto& p = in.config.process) {
        if (p->commandLine && !p->commandLine->empty())
            report(out, "/process/commandLine", "is for Windows processes: on Linux the command is process.args", "other-platform");
        if (p->user.username && !p->user.username->empty())
            report(out, "/process/user/username", "is for Windows users: on Linux the user is process.user.uid and gid",
                   "other-platform");
    }
    for (const auto& platform : in.config.otherPlatforms) {
        std::string what = platform == "vm" ? "is for runtimes that run the container in a virtual machine"
                                            : "is the " + platform + " platform's section";
        report(out, "/" + platform, what + ": not a Linux setting, and ocirt runs the container on this Linux kernel", "other-platform");
    }
}

constexpr Rule kRules[] = {
    {"oci-version", oci_version},
    {"root-directory", root_directory},
    {"mount-idmap-pairs", mount_idmap_pairs},
    {"mount-idmap-option", mount_idmap_option},
    {"id-mapping-size", id_mapping_size},
    {"namespace-unique", namespace_unique},
    {"namespace-path-absolute", namespace_path_absolute},
    {"mappings-need-user-namespace", mappings_need_user_namespace},
    {"user-namespace-needs-mappings", user_namespace_needs_mappings},
    {"process-args-required", process_args},
    {"process-cwd-absolute", process_cwd_absolute},
    {"hook-path-absolute", hook_path_absolute},
    {"rlimit-known", rlimit_known},
    {"rlimit-unique", rlimit_unique},
    {"rlimit-soft-within-hard", rlimit_soft_within_hard},
    {"capability-known", capability_known},
    {"device-path-absolute", device_path_absolute},
    {"device-numbers", device_numbers},
    {"masked-path-absolute", masked_paths_absolute},
    {"readonly-path-absolute", readonly_paths_absolute},
    {"time-offsets-need-time-namespace", time_offsets_need_time_namespace},
    {"time-offset-clock", time_offset_clock},
    {"uts-namespace-needed", uts_namespace_needed},
    {"sysctl-key", sysctl_key},
    {"sysctl-namespaced", sysctl_namespaced},
    {"annotation-key", annotation_key},
    {"seccomp-errno", seccomp_errno},
    {"seccomp-listener", seccomp_listener},
    {"seccomp-arg-index", seccomp_arg_index},
    {"weight-device", weight_device},
    {"rdma-limit", rdma_limit},
    {"cpu-burst", cpu_burst},
    {"personality-flags", personality_flags},
    {"scheduler", scheduler},
    {"net-devices", net_devices},
    {"other-platform", other_platform},
};

}  // namespace

namespace {

// The minor number of a SemVer 1.x version, without a pre-release or build suffix (1.1.0-rc.1 already carries
// the 1.1 text); nullopt for anything else.
std::optional<unsigned> minor_of_1x(std::string_view oci_version) {
    std::string_view major;
    if (!semver(oci_version, major) || major != "1") return std::nullopt;
    std::string_view minor = oci_version.substr(major.size() + 1);
    minor = minor.substr(0, minor.find('.'));
    unsigned value = 0;
    for (char ch : minor) {
        if (value > 1000000) return value;  // large enough for any comparison made here
        value = value * 10 + static_cast<unsigned>(ch - '0');
    }
    return value;
}

}  // namespace

bool unknown_capability_is_error(std::string_view oci_version) {
    auto minor = minor_of_1x(oci_version);
    return !minor || *minor == 0;
}

bool poststart_failure_is_error(std::string_view oci_version) {
    auto minor = minor_of_1x(oci_version);
    return minor && *minor >= 3;
}

std::span<const Rule> rules() { return kRules; }

std::vector<Diagnostic> check_rules(const RuleInput& input) {
    std::vector<Diagnostic> out;
    for (const auto& rule : kRules) rule.check(input, out);
    return out;
}

}  // namespace ocirt::config
