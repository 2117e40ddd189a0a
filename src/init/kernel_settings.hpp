#pragma once
// The container's kernel settings, applied by its init: linux.sysctl inside the container's own
// namespaces, and linux.personality.
#include "init/context.hpp"

namespace ocirt::init {

void apply_sysctls(const InitContext& ctx);
void apply_personality(const InitContext& ctx);

}  // namespace ocirt::init
