#pragma once
// process.terminal and process.consoleSize → the ProcessPlan's terminal fields.
#include "plan/init_plan.hpp"

namespace ocirt::plan {

// A consoleSize dimension above what struct winsize holds (ioctl_tty(2), unsigned short) is an Error.
void plan_terminal(const config::Process& process, ProcessPlan& plan);

}  // namespace ocirt::plan
