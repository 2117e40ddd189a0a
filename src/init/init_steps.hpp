#pragma once
// The container's init, inside its namespaces: one function per step, in the runtime-spec order,
// ending in execve of process.args. Throws Error; run_child turns it into a Fail message.
#include "init/context.hpp"

namespace ocirt::init {

[[noreturn]] void run_init(const InitContext& ctx);

}  // namespace ocirt::init
