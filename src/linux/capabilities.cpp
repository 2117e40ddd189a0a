#include "linux/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

// capset(2) and prctl(2) by hand rather than libcap: five system calls do not justify another shared
// library on the path of every container start.
namespace ocirt::linux_ {

int last_capability() {
    // prctl(2) PR_CAPBSET_READ: EINVAL for a capability number the kernel does not know; no /proc needed.
    static int last = [] {
        int cap = 0;
        while (::prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0) ++cap;
        return cap;
    }();
    return last;
}

namespace {

// Numbers from <linux/capability.h>; capabilities(7) lists the names.
constexpr CapabilityName kCapabilities[] = {
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

// Capabilities newer than the kernel are left out, as runc does: capset(2) refuses bits it does not know.
uint64_t known_to_kernel(uint64_t mask) {
    int last = last_capability();
    return last >= 63 ? mask : mask & ((uint64_t{1} << (last + 1)) - 1);
}

uint64_t current_permitted() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capget, &header, data) < 0) return ~uint64_t{0};
    return uint64_t{data[0].permitted} | (uint64_t{data[1].permitted} << 32);
}

}  // namespace

std::span<const CapabilityName> capability_names() { return kCapabilities; }

std::optional<int> capability_number(std::string_view name) {
    for (const auto& entry : kCapabilities)
        if (entry.name == name) return entry.number;
    return std::nullopt;
}

std::string capability_name(int number) {
    for (const auto& entry : kCapabilities)
        if (entry.number == number) return std::string(entry.name);
    return "capability " + std::to_string(number);
}

void drop_bounding_set(uint64_t keep) {
    for (int cap = 0; cap <= last_capability() && cap < 64; ++cap) {
        if (keep & (uint64_t{1} << cap)) continue;
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) throw SysError("drop " + capability_name(cap) + " from the bounding set");
    }
}

void set_keep_capabilities(bool keep) {
    if (::prctl(PR_SET_KEEPCAPS, keep ? 1 : 0, 0, 0, 0) < 0) throw SysError("prctl PR_SET_KEEPCAPS");
}

void set_capabilities(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
    effective = known_to_kernel(effective);
    permitted = known_to_kernel(permitted);
    inheritable = known_to_kernel(inheritable);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    // capget(2): version 3 takes two 32-bit words per set, the low capabilities first.
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
        {static_cast<uint32_t>(effective), static_cast<uint32_t>(permitted), static_cast<uint32_t>(inheritable)},
        {static_cast<uint32_t>(effective >> 32), static_cast<uint32_t>(permitted >> 32),
         static_cast<uint32_t>(inheritable >> 32)},
    };
    if (::syscall(SYS_capset, &header, data) == 0) return;
    int err = errno;
    // capset(2) EPERM: the new permitted set must be a subset of the one the runtime holds.
    uint64_t missing = (effective | permitted) & ~current_permitted();
    if (err != EPERM || missing == 0) throw SysError("capset", err);
    std::string names;
    for (int cap = 0; cap < 64; ++cap)
        if (missing & (uint64_t{1} << cap)) names += (names.empty() ? "" : ", ") + capability_name(cap);
    throw SysError("capset: the runtime does not hold " + names + " in its permitted set", err);
}

void set_ambient_capabilities(uint64_t ambient) {
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0) throw SysError("clear the ambient capabilities");
    ambient = known_to_kernel(ambient);
    for (int cap = 0; cap < 64; ++cap) {
        if (!(ambient & (uint64_t{1} << cap))) continue;
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            throw SysError("raise the ambient capability " + capability_name(cap));
    }
}

}  // namespace ocirt::linux_
