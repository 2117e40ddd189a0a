#pragma once
// The child side of create, from fork to exec: join or create the namespaces, fork the init when a
// PID namespace needs it, then run the init steps. Never returns: a failure is sent as Fail, then _exit.
#include "init/context.hpp"

namespace ocirt::init {

[[noreturn]] void run_child(const plan::InitPlan& plan, const sync::Channel& channel, InitFds fds);

}  // namespace ocirt::init
