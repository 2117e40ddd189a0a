#pragma once
// `ps`: the processes in a container's cgroup, by host pid.
#include <sys/types.h>

#include <string>
#include <vector>

namespace ocirt::runtime {

// Every pid in the container's cgroup (nested cgroups included), ascending. Throws Error when the
// container does not exist.
std::vector<pid_t> container_pids(const std::string& root, const std::string& id);

// A plain JSON array of pids, as runc prints it: [123,456]
std::string format_pids_json(const std::vector<pid_t>& pids);
// UID PID PPID STAT CMD, read from /proc (proc(5)); a process that exits meanwhile is left out.
std::string format_pids_table(const std::vector<pid_t>& pids);

}  // namespace ocirt::runtime
