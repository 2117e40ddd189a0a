#pragma once
// Shared by the tests of the cgroup commands (pause, resume, kill --all, events, update) on v1 and v2: a
// container's status, a counter its loop keeps, ocirt events in the background, processes by marker.
#include <sys/types.h>

#include <string>
#include <vector>

#include "harness.hpp"

namespace ocirt::test {

// "created", "running", "paused", "stopped" from `ocirt state`; "gone" when state fails.
std::string status_of(const Ocirt& ocirt, const std::string& id);

// A loop that writes an increasing counter to the container's /tmp/count every 20 ms.
extern const char* const kCounterLoop;
// The counter, read through the init's root; -1 before the first write.
long counter(pid_t pid);

// `ocirt events ...` started in the background with stdout and stderr in files; reap it with wait_exit.
pid_t spawn_events(const Ocirt& ocirt, const std::vector<std::string>& args, const std::string& out,
                   const std::string& err);

void sleep_ms(int ms);

// Every live process of the host whose command line holds `marker` ("sleep 7311" style arguments).
size_t processes_with(const std::string& marker);

// Without a pid namespace, the init's death does not take the others along: only the cgroup reaches them.
// The sleeps are started by a subshell that exits, so they are nested and reparented away from the init.
void nested_sleepers(Bundle& bundle, const std::string& a, const std::string& b, const std::string& c);

}  // namespace ocirt::test
