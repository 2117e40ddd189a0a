#pragma once
// The process's CPU scheduling (sched_setattr(2)), I/O priority (ioprio_set(2)), CPU affinity
// (sched_setaffinity(2)) and execution domain (personality(2)).
#include <cstdint>
#include <string>
#include <vector>

namespace ocirt::linux_ {

// sched_setattr(2)'s struct sched_attr, with the policy's name for messages.
struct Scheduler {
    std::string policy_name;  // "SCHED_BATCH"
    int policy = 0;           // SCHED_*
    uint64_t flags = 0;       // SCHED_FLAG_*
    int32_t nice = 0;
    uint32_t priority = 0;
    uint64_t runtime = 0;
    uint64_t deadline = 0;
    uint64_t period = 0;
};

// ioprio_set(2)'s class and level, with the class's name for messages.
struct IoPriority {
    std::string class_name;  // "IOPRIO_CLASS_BE"
    int io_class = 0;        // IOPRIO_CLASS_*
    int level = 0;           // 0 (highest) .. 7
};

void set_scheduler(const Scheduler& scheduler);
void set_io_priority(const IoPriority& priority);
void set_cpu_affinity(const std::vector<int>& cpus);

// The calling thread's CPU affinity set to `cpus` for the object's lifetime, then put back: a child forked
// meanwhile starts with it (sched_setaffinity(2): "A child created via fork(2) inherits its parent's CPU
// affinity mask").
class ThreadCpuAffinity {
public:
    explicit ThreadCpuAffinity(const std::vector<int>& cpus);
    ~ThreadCpuAffinity();
    ThreadCpuAffinity(const ThreadCpuAffinity&) = delete;
    ThreadCpuAffinity& operator=(const ThreadCpuAffinity&) = delete;

private:
    std::vector<int> saved_;
};
void set_personality(unsigned long persona);

}  // namespace ocirt::linux_
