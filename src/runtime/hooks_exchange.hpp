#pragma once
// The parent's side of HooksPlease → HooksDone (src/sync/protocol.hpp step 4): the init has done its
// mounts and waits before pivot_root while the parent runs the prestart and createRuntime hooks; HooksDone
// then gives the init its pid as the host sees it, for the state its own hooks get.
#include <sys/types.h>

#include <functional>

#include "linux/child_process.hpp"
#include "sync/channel.hpp"

namespace ocirt::runtime {

using RuntimeHooks = std::function<void(pid_t init_pid)>;

void answer_hooks_please(const sync::Channel& channel, linux_::ChildProcess& init, const RuntimeHooks& run_runtime_hooks);

}  // namespace ocirt::runtime
