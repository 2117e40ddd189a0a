#pragma once
// The end of every container process's set-up, the same for the container's init and for a process `exec`
// starts in it, so that the security-critical order exists once:
//   environment (the container's /etc/passwd) → privileged attributes (rlimits, scheduling, the bounding set)
//   → seccomp before_identity → uid/gid, cwd and capabilities → no_new_privs → seccomp before_ready
//   → the program looked up on PATH → signal dispositions reset → Ready to the parent
//   → the gate (the init waits there for `start`) → every fd above the preserved ones close-on-exec
//   → seccomp before_exec → execve(2).
// The program is looked up before Ready so that a missing one fails the create or exec itself. The fds are
// closed after the gate and right before execve(2): CVE-2024-21626, no descriptor of the runtime's
// (exec.fifo, the state directory, a cgroup) may reach the user's program.
#include "init/context.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

// What runs between Ready and execve(2). The fd it returns stays open until execve(2) closes it (O_CLOEXEC).
using ExecGate = UniqueFd (*)(const InitContext& ctx);

// Never returns. A failure before Ready throws (the caller sends it to the parent as Fail); after Ready
// nobody reads the channel, so the error goes to the process's own stderr as "ocirt: <who>: ..." and the
// process exits 127, as a shell does for a command it cannot run.
[[noreturn]] void finish_process(const InitContext& ctx, const char* who, ExecGate gate = nullptr);

}  // namespace ocirt::init
