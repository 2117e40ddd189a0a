#pragma once
// The seccomp filter, loaded by the init at the one stage the plan chose (plan::SeccompStage): with a
// listener, the notify fd then goes to `create` as SeccompFd.
#include "init/context.hpp"

namespace ocirt::init {

void load_seccomp(const InitContext& ctx, plan::SeccompStage stage);

}  // namespace ocirt::init
