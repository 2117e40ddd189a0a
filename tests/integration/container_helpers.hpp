#pragma once
// Helpers shared by the container, namespace, mount, process and run tests.
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "harness.hpp"

namespace ocirt::test {

// Runs ocirt with stdio in files: a created container's init inherits stdout/stderr and keeps them
// open, so pipes would not see EOF until the container exits.
Result run_to_files(const Ocirt& ocirt, const std::vector<std::string>& args, const std::string& out_file,
                    const std::string& err_file);

// `ocirt run` of the bundle with process.args = sh -c script; returns what it printed.
Result run_script(const Ocirt& ocirt, Bundle& bundle, const std::string& script,
                  const std::vector<std::string>& extra_args = {});

// Removes a namespace type from the bundle's linux.namespaces.
void drop_namespace(Bundle& bundle, const std::string& type);

// readlink of /proc/self/ns/<type> in this (the test's) process.
std::string host_namespace(const std::string& type);

// Polls `condition` every 10 ms for up to `timeout_ms`.
template <class F>
bool eventually(F condition, int timeout_ms = 5000) {
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (condition()) return true;
        struct timespec ts{0, 10 * 1000 * 1000};
        nanosleep(&ts, nullptr);
    }
    return condition();
}

bool process_exists(pid_t pid);
// Every process but this one for which `match(pid)` holds.
std::vector<pid_t> processes_where(const std::function<bool(pid_t)>& match);
// Processes whose command line contains `needle` (the test's own excluded).
std::vector<pid_t> processes_mentioning(const std::string& needle);
// Cgroup directories named `name` under /sys/fs/cgroup (every hierarchy, any depth up to 4); with
// OCIRT_TEST_CGROUP_DRIVER=systemd also the scope systemd_scope_of(name).
std::vector<std::string> cgroups_named(const std::string& name);

// The v1 file a blkio weight goes to on this kernel: "blkio.weight" (CFQ), "blkio.bfq.weight" (BFQ), or ""
// when the kernel has neither scheduler (CONFIG_IOSCHED_BFQ off), where ocirt must refuse a weight, or when
// there is no v1 blkio hierarchy.
std::string v1_blkio_weight_file();

}  // namespace ocirt::test
