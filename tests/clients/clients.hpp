#pragma once
// Shared by the real-client tests (containerd's runc shim, podman/conmon): which runtime binary they hand
// to the client (RUNTIME=ocirt|runc|path, default this build's ocirt) and the local busybox image.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "../integration/harness.hpp"

namespace ocirt::clients {

// The OCI image layout tarball made once per test run by tools/mkimage (busybox-static, no registry).
const std::string& image_tarball();
// The name the tarball carries for both clients.
inline const std::string kImageName = "localhost/ocirt-busybox:latest";

// The runtime binary the clients are told to use: test::runtime_under_test().
std::string runtime_binary();
// Its file name ("ocirt", "runc"): podman passes --log-format=json only to runtimes it lists by name.
std::string runtime_name();

// Polls `done` every 20 ms until it holds or `limit` has passed; returns its last answer.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(20));

// A busybox shell loop that traps `signal` with `action`, then says it is ready in /tmp/ready.
std::vector<std::string> trapping_shell(const std::string& signal, const std::string& action);
// A busybox shell loop that counts up in /tmp/count every 50 ms (each update atomic, by mv): progress the
// host reads through /proc/<pid>/root.
std::vector<std::string> counting_shell();
// The number in /tmp/count's content `text`; -1 before the first count.
long counted(const std::string& text);
// Whether /tmp/ready (see trapping_shell) appears in the root of process `pid` within 20 s.
bool became_ready(pid_t pid);

// Runs the shell command line `command` under script(1), so that the client has a terminal (`-t` needs one).
test::Result run_in_pty(const std::string& command);
// `word` single-quoted for a POSIX shell.
std::string shell_quote(const std::string& word);
// `argv` as one shell command line, each word quoted (for run_in_pty).
std::string shell_command(const std::vector<std::string>& argv);

// `text` without its trailing newlines and carriage returns (a command's output, a cgroup file).
std::string trimmed(std::string text);
// The absolute path of `name` found on $PATH; throws when it is not installed.
std::string find_program(const std::string& name);

// Whether systemd is this machine's init (sd_booted(3): /run/systemd/system exists). With cgroup v2 as
// well, Docker 20.10 and podman 4 default to the systemd cgroup driver and pass --systemd-cgroup to the runtime.
bool systemd_booted();
// Whether this host has cgroup v2 alone: /sys/fs/cgroup is the cgroup2 mount.
bool unified_cgroup_host();
// The clients' default cgroup driver on this host: systemd where systemd is the init on a cgroup v2 host
// (dockerd's UsingSystemd, podman's default cgroup_manager), else cgroupfs.
bool clients_default_to_systemd();
// Where the cgroup2 hierarchy is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host; "" if nowhere.
std::string cgroup2_mount();
// `pid`'s path in the cgroup2 hierarchy (its "0::" line in /proc/<pid>/cgroup); "" when there is none.
std::string v2_cgroup_path(pid_t pid);
// The directory of `pid`'s cgroup that holds `controller`'s files: its v1 hierarchy's where the controller
// is mounted as v1, else its cgroup2 directory when the controller is enabled there; "" when neither.
std::string controller_dir(pid_t pid, const std::string& controller);
// Whether `controller` is a v1 one here (mounted as its own hierarchy).
bool v1_controller(const std::string& controller);
// The file of `pid`'s `controller` cgroup, trimmed: `v1_file` where the controller is a v1 one, else
// `v2_file` in its cgroup2 directory. Fails the test when `pid` has no such cgroup.
std::string limit_file(pid_t pid, const std::string& controller, const std::string& v1_file,
                       const std::string& v2_file);
// "FROZEN" or "THAWED": freezer.state of `pid`'s v1 freezer cgroup, or on cgroup v2 the "frozen" key of
// its cgroup.events (what the kernel reports once every task is frozen, cgroup-v2.rst "cgroup.freeze").
std::string freezer_state(pid_t pid);
// What `systemctl show` reports for `unit`'s `properties` (ActiveState, ControlGroup, TasksMax, ...), as
// "Name=value" lines; `user` asks the caller's own systemd instance (systemctl --user).
std::string unit_properties(const std::string& unit, const std::vector<std::string>& properties, bool user = false);

// The directory of `pid`'s cgroup in the v1 hierarchy of `controller` (/sys/fs/cgroup/<controller><path>),
// from /proc/<pid>/cgroup; "" when that controller has no v1 line.
std::string v1_cgroup_dir(pid_t pid, const std::string& controller);
// `pid`'s path in that hierarchy, as /proc/<pid>/cgroup shows it; "" as above.
std::string v1_cgroup_path(pid_t pid, const std::string& controller);
// The file `file` of `pid`'s v1 `controller` cgroup, trimmed; fails the test when there is no such cgroup.
std::string cgroup_file(pid_t pid, const std::string& controller, const std::string& file);
// Removes the cgroup `dir` and the cgroups below it, deepest first (rmdir only, as cgroupfs wants).
void remove_cgroup_tree(const std::string& dir);

// One line of /proc/self/mountinfo: the mount point (unescaped), the filesystem type, the super options.
struct MountEntry {
    std::string point;
    std::string fstype;
    std::vector<std::string> super_options;
};
std::vector<MountEntry> mounts();
// Mount points at or below `dir`, deepest first.
std::vector<std::string> mounts_under(const std::string& dir);
// Processes other than this one whose command line contains `text`, as "pid cmdline" (cut to 160 chars).
std::vector<std::string> processes_naming(const std::string& text);

// For a fixture's destructor, which runs at exit where no test case can fail any more: runs `stop`, and
// when it reports anything left behind (or throws) prints that under `fixture` and ends the run as failed.
void stop_or_fail_run(const char* fixture, const std::function<std::vector<std::string>()>& stop);

// A check run once after all test cases (a client fixture's teardown). It returns what it found left
// behind; anything left fails the run.
void at_suite_end(std::function<std::vector<std::string>()> check);
// Runs the registered checks (last registered first), prints each leftover; returns how many there were.
int run_suite_end_checks();

}  // namespace ocirt::clients
