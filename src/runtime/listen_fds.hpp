#pragma once
// systemd socket activation (sd_listen_fds(3)): fds 3.. handed to `ocirt create`/`run` with LISTEN_FDS
// and LISTEN_PID=<our pid> are passed on to the container's process, before the --preserve-fds ones.
#include "plan/init_plan.hpp"

namespace ocirt::runtime {

// Adds LISTEN_FDS=N and LISTEN_PID=1 to the process's environment (as runc does) and keeps N more fds.
void pass_listen_fds(plan::InitPlan& plan);

}  // namespace ocirt::runtime
