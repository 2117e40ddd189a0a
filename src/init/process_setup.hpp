#pragma once
// The init's own steps around the process attributes (init/process_attributes.hpp): hostname,
// no_new_privileges, and the exec gate on exec.fifo.
#include <string>

#include "init/context.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

void set_hostname(const InitContext& ctx);
void apply_no_new_privileges(const InitContext& ctx);
// Blocks until `start` opens exec.fifo for reading, runs the startContainer hooks, then writes their
// outcome to it (src/sync/exec_fifo.hpp). The write end it returns is O_CLOEXEC: kept until execve(2),
// its end-of-file tells `start` that the user's program replaced the init.
UniqueFd wait_for_start(const InitContext& ctx);

}  // namespace ocirt::init
