#pragma once
// process.terminal: a pty from the container's own devpts instance, its master sent over the console
// socket, its peer made the process's controlling terminal and stdio.
#include "init/context.hpp"
#include "plan/init_plan.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

// The init, before the root changes: the peer is also bound on /dev/console (config-linux.md "/dev/console").
void setup_console(const InitContext& ctx, int root_fd);
// `exec -t`, once inside the container's root: /dev/ptmx is the container's.
void setup_exec_terminal(const plan::ProcessPlan& process, int console_socket);

}  // namespace ocirt::init
