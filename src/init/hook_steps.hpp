#pragma once
// The init's hooks (config.md "createContainer Hooks", "startContainer Hooks"): both run in the
// container's namespaces; createContainer before pivot_root (paths resolve on the host), startContainer
// once `start` opened exec.fifo (paths resolve in the container).
#include "init/context.hpp"

namespace ocirt::init {

// HooksPlease → HooksDone (the parent runs prestart and createRuntime), then the createContainer hooks.
void run_create_hooks(const InitContext& ctx);
// The startContainer hooks; the first failure throws.
void run_start_hooks(const InitContext& ctx);

}  // namespace ocirt::init
