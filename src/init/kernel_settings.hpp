#pragma once
// The container's kernel settings, applied by its init: linux.sysctl inside the container's own
// namespaces, linux.personality, and linux.memoryPolicy (also by each exec'd process).
#include "init/context.hpp"

namespace ocirt::init {

void apply_sysctls(const InitContext& ctx);
void apply_personality(const InitContext& ctx);
// set_mempolicy(2) once the process is in the container's cgroup (whose cpuset.mems the kernel checks the
// nodes against) and before seccomp, which may deny the system call.
void apply_memory_policy(const InitContext& ctx);

}  // namespace ocirt::init
