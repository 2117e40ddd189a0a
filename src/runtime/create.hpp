#pragma once
// `create`: bundle → validated config → plan → state dir, cgroup, exec.fifo → init blocked before exec.
// The steps (prepare, place, launch, commit) and the seam a `restore` would use: runtime/new_container.hpp.
#include <string>

#include "linux/child_process.hpp"

namespace ocirt::cgroups {
class Hierarchy;
}

namespace ocirt::runtime {

class TtyProxy;

struct CreateRequest {
    std::string root;    // --root
    std::string id;
    std::string bundle;  // "" = the current directory
    std::string pid_file;
    std::string console_socket;
    bool detached = true;  // false for `run` in the foreground
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    bool systemd_cgroup = false;
    bool rootless = false;  // --rootless resolved: no cgroup when the user may not create one
    TtyProxy* tty_proxy = nullptr;  // `run` in the foreground: takes a terminal that has no --console-socket
    const cgroups::Hierarchy* hierarchy = nullptr;  // the cgroup mounts, when the caller read them already
};

// Returns the init, blocked on exec.fifo (the caller releases it, or waits for it as `run` does).
// On failure nothing is left behind: no process, cgroup, state directory or pid file.
linux_::ChildProcess create_container(const CreateRequest& request);

// Digits only, no newline (containerd's shim rejects a trailing newline); tmp + rename.
void write_pid_file(const std::string& path, pid_t pid);

}  // namespace ocirt::runtime
