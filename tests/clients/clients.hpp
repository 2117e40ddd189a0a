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

// Runs the shell command line `command` under script(1), so that the client has a terminal (`-t` needs one).
test::Result run_in_pty(const std::string& command);
// `word` single-quoted for a POSIX shell.
std::string shell_quote(const std::string& word);

// The directory of `pid`'s cgroup in the v1 hierarchy of `controller` (/sys/fs/cgroup/<controller><path>),
// from /proc/<pid>/cgroup; "" when that controller has no v1 line.
std::string v1_cgroup_dir(pid_t pid, const std::string& controller);
// `pid`'s path in that hierarchy, as /proc/<pid>/cgroup shows it; "" as above.
std::string v1_cgroup_path(pid_t pid, const std::string& controller);

// A check run once after all test cases (a client fixture's teardown). It returns what it found left
// behind; anything left fails the run.
void at_suite_end(std::function<std::vector<std::string>()> check);
// Runs the registered checks (last registered first), prints each leftover; returns how many there were.
int run_suite_end_checks();

}  // namespace ocirt::clients
