#pragma once
// The hooks the runtime runs in its own namespaces (runtime.md "Lifecycle" steps 3, 4, 9 and 13), each
// with the container's state on stdin and the bundle as working directory.
#include "config/config.hpp"
#include "state/record.hpp"

namespace ocirt::hooks {

// The status that prestart, createRuntime, createContainer and startContainer hooks see: the create
// step (runtime.md step 2) is done and the user's program has not run (runtime-tools hooks_stdin, crun).
constexpr state::Status kStatusBeforeStart = state::Status::created;

// prestart, then createRuntime, while the init waits before pivot_root; the first failure throws.
void run_create_runtime_hooks(const config::Hooks& hooks, const state::Record& record);
// After the user's program started (status "running"). A failure is a warning for a config of ociVersion
// 1.0 to 1.2; from 1.3.0 the first failure throws and the rest do not run (runtime.md "Lifecycle" step 9).
void run_poststart_hooks(const state::Record& record);
// After the container is deleted (status "stopped"); a failure is a warning.
void run_poststop_hooks(const state::Record& record);

}  // namespace ocirt::hooks
