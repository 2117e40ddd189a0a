#pragma once
// Plan data for the process attributes of config.md "POSIX process" and "Linux process" (capabilities,
// execCPUAffinity; the scheduler and I/O priority take linux/scheduling.hpp's types) and the per-container
// kernel settings of config-linux.md (sysctl, personality), plus the host's security modules the plan checks
// against.
#include <cstdint>
#include <string>
#include <vector>

namespace ocirt::plan {

// Bit N stands for capability N of <linux/capability.h>.
struct CapabilitySets {
    uint64_t bounding = 0;
    uint64_t effective = 0;
    uint64_t permitted = 0;
    uint64_t inheritable = 0;
    uint64_t ambient = 0;
};

// process.execCPUAffinity: CPU numbers; empty means "leave the affinity alone". Only `ocirt exec` uses it:
// config.md says it does not apply to the container's init.
struct ExecCpuAffinity {
    std::vector<int> initial;
    std::vector<int> final_;
};

struct Sysctl {
    std::string key;    // as written in linux.sysctl
    std::string path;   // relative to /proc/sys
    std::string value;
};

// What the host's kernel offers to process.apparmorProfile, process.selinuxLabel and linux.intelRdt.
struct SecurityFacts {
    bool apparmor = false;   // /sys/module/apparmor/parameters/enabled reads "Y"
    bool selinux = false;    // selinuxfs is mounted
    bool resctrl = false;    // resctrl, the Intel RDT filesystem, is mounted
};

}  // namespace ocirt::plan
