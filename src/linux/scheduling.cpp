#include "linux/scheduling.hpp"

#include "linux/ioprio.hpp"
#include <linux/sched.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

// sched_setattr(2)'s struct sched_attr (SCHED_ATTR_SIZE_VER1): <linux/sched/types.h> clashes with <sched.h>.
struct SchedAttr {
    uint32_t size;
    uint32_t sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime;
    uint64_t sched_deadline;
    uint64_t sched_period;
    uint32_t sched_util_min;
    uint32_t sched_util_max;
};

}  // namespace

void set_scheduler(const Scheduler& s) {
    SchedAttr attr{};
    attr.size = sizeof attr;
    attr.sched_policy = static_cast<uint32_t>(s.policy);
    attr.sched_flags = s.flags;
    attr.sched_nice = s.nice;
    attr.sched_priority = s.priority;
    attr.sched_runtime = s.runtime;
    attr.sched_deadline = s.deadline;
    attr.sched_period = s.period;
    // glibc 2.36 has no sched_setattr wrapper.
    if (::syscall(SYS_sched_setattr, 0, &attr, 0) == 0) return;
    int err = errno;
    std::string what = "sched_setattr " + s.policy_name;
    // sched(7) "Real-time group scheduling": a cgroup without cpu.rt_runtime_us cannot hold real-time tasks.
    if (err == EPERM && (s.policy == SCHED_FIFO || s.policy == SCHED_RR))
        what += " (real-time tasks also need a cpu.rt_runtime_us budget in the container's cpu cgroup)";
    throw SysError(what, err);
}

void set_io_priority(const IoPriority& p) {
    if (::syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(p.io_class, p.level)) < 0)
        throw SysError("ioprio_set " + p.class_name + " " + std::to_string(p.level));
}

void set_cpu_affinity(const std::vector<int>& cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int cpu : cpus) CPU_SET(cpu, &set);
    if (::sched_setaffinity(0, sizeof set, &set) < 0) throw SysError("sched_setaffinity");
}

ThreadCpuAffinity::ThreadCpuAffinity(const std::vector<int>& cpus) {
    cpu_set_t own;
    if (::sched_getaffinity(0, sizeof own, &own) < 0) throw SysError("sched_getaffinity");
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &own)) saved_.push_back(cpu);
    set_cpu_affinity(cpus);
}

ThreadCpuAffinity::~ThreadCpuAffinity() {
    // The mask the thread had a moment ago; should a cpuset change in between refuse it, the thread keeps
    // the narrower one, which only concerns how the runtime itself is scheduled until it exits.
    try {
        set_cpu_affinity(saved_);
    } catch (const Error&) {
    }
}

void set_personality(unsigned long persona) {
    // personality(2): returns the previous persona, -1 on error.
    if (::personality(persona) < 0) throw SysError("personality " + std::to_string(persona));
}

}  // namespace ocirt::linux_
