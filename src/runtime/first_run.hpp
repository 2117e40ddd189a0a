#pragma once
// After execve(2) the user's program may not have had the CPU yet; poststart hooks should find it running
// (runtime-tools' poststart checks that the program's first write precedes the hook's). Waits until the
// program left the runnable state once (it blocked, stopped or exited), at most `limit_ms`.
#include <sys/types.h>

namespace ocirt::runtime {

void wait_for_first_run(pid_t pid, int limit_ms = 100);

}  // namespace ocirt::runtime
