#include "config/known_names.hpp"

#include <sys/resource.h>

namespace ocirt::config {
namespace {

// Numbers from <linux/capability.h>; capabilities(7) lists the names.
constexpr NamedNumber kCapabilities[] = {
    {"CAP_CHOWN", 0},           {"CAP_DAC_OVERRIDE", 1},    {"CAP_DAC_READ_SEARCH", 2}, {"CAP_FOWNER", 3},
    {"CAP_FSETID", 4},          {"CAP_KILL", 5},            {"CAP_SETGID", 6},          {"CAP_SETUID", 7},
    {"CAP_SETPCAP", 8},         {"CAP_LINUX_IMMUTABLE", 9}, {"CAP_NET_BIND_SERVICE", 10}, {"CAP_NET_BROADCAST", 11},
    {"CAP_NET_ADMIN", 12},      {"CAP_NET_RAW", 13},        {"CAP_IPC_LOCK", 14},       {"CAP_IPC_OWNER", 15},
    {"CAP_SYS_MODULE", 16},     {"CAP_SYS_RAWIO", 17},      {"CAP_SYS_CHROOT", 18},     {"CAP_SYS_PTRACE", 19},
    {"CAP_SYS_PACCT", 20},      {"CAP_SYS_ADMIN", 21},      {"CAP_SYS_BOOT", 22},       {"CAP_SYS_NICE", 23},
    {"CAP_SYS_RESOURCE", 24},   {"CAP_SYS_TIME", 25},       {"CAP_SYS_TTY_CONFIG", 26}, {"CAP_MKNOD", 27},
    {"CAP_LEASE", 28},          {"CAP_AUDIT_WRITE", 29},    {"CAP_AUDIT_CONTROL", 30},  {"CAP_SETFCAP", 31},
    {"CAP_MAC_OVERRIDE", 32},   {"CAP_MAC_ADMIN", 33},      {"CAP_SYSLOG", 34},         {"CAP_WAKE_ALARM", 35},
    {"CAP_BLOCK_SUSPEND", 36},  {"CAP_AUDIT_READ", 37},     {"CAP_PERFMON", 38},        {"CAP_BPF", 39},
    {"CAP_CHECKPOINT_RESTORE", 40},
};

constexpr NamedNumber kRlimits[] = {
    {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},       {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_NPROC", RLIMIT_NPROC},       {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

}  // namespace

std::optional<int> named_number(std::span<const NamedNumber> table, std::string_view name) {
    for (const auto& entry : table)
        if (entry.name == name) return entry.number;
    return std::nullopt;
}

std::span<const NamedNumber> capability_names() { return kCapabilities; }
std::optional<int> capability_number(std::string_view name) { return named_number(kCapabilities, name); }
std::optional<int> rlimit_resource(std::string_view name) { return named_number(kRlimits, name); }

}  // namespace ocirt::config
