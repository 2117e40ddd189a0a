#pragma once
// Plan data for the process attributes of config.md "POSIX process" and "Linux process" (capabilities,
// scheduler, I/O priority, execCPUAffinity) and the per-container kernel settings of config-linux.md
// (sysctl, personality), plus the host's security modules the plan checks against.
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

// sched_setattr(2)'s struct sched_attr, from process.scheduler.
struct Scheduler {
    std::string policy_name;  // "SCHED_BATCH", for messages
    int policy = 0;           // SCHED_*
    uint64_t flags = 0;       // SCHED_FLAG_*
    int32_t nice = 0;
    uint32_t priority = 0;
    uint64_t runtime = 0;
    uint64_t deadline = 0;
    uint64_t period = 0;
};

// ioprio_set(2), from process.ioPriority.
struct IoPriority {
    std::string class_name;  // "IOPRIO_CLASS_BE", for messages
    int io_class = 0;        // IOPRIO_CLASS_*
    int level = 0;           // 0 (highest) .. 7
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
