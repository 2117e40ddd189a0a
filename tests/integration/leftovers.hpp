#pragma once
// What a container may leave behind on the host after `delete --force`, for the robustness tests: its
// state dir, cgroup dirs in any hierarchy, live processes, mounts naming its paths.
#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace ocirt::test {

// Live (not zombie) processes whose /proc/PID/cgroup or command line mentions `id`.
std::vector<pid_t> live_processes_of(const std::string& id);
// True when /proc/PID/cgroup of `pid` has a line whose path contains `id`.
bool process_in_cgroup_of(pid_t pid, const std::string& id);
bool process_is_zombie_or_gone(pid_t pid);
// One line per leftover: "state dir ...", "cgroup ...", "process ...", "mount ...". Empty when clean.
std::vector<std::string> leftovers_of(const std::string& id, const std::string& state_dir,
                                      const std::vector<std::string>& host_paths);
// Writes `bundle` with a process that sleeps 100 s without a terminal: a create that the robustness tests
// interrupt has a live init to clean up.
void write_sleeping_bundle(Bundle& bundle);

}  // namespace ocirt::test
