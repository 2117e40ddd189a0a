#pragma once
// The process's CPU scheduling (sched_setattr(2)), I/O priority (ioprio_set(2)), CPU affinity
// (sched_setaffinity(2)) and execution domain (personality(2)).
#include <vector>

#include "plan/process_attributes.hpp"

namespace ocirt::linux_ {

void set_scheduler(const plan::Scheduler& scheduler);
void set_io_priority(const plan::IoPriority& priority);
void set_cpu_affinity(const std::vector<int>& cpus);
void set_personality(unsigned long persona);

}  // namespace ocirt::linux_
