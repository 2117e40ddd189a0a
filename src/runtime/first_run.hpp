#pragma once
// After `start` released the init and it execve(2)'d the user's program, that program may not have had
// the CPU yet. Poststart hooks are meant to see it running (runtime-tools' poststart checks that the
// program's first write comes before the hook's), so `start` waits until the program left the runnable
// state once (it blocked, stopped or exited), for at most `limit_ms`: a program that never blocks only
// delays the hooks by that much.
#include <sys/types.h>

namespace ocirt::runtime {

void wait_for_first_run(pid_t pid, int limit_ms = 100);

}  // namespace ocirt::runtime
