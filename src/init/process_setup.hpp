#pragma once
// The init's own steps around the process attributes (init/process_attributes.hpp): hostname,
// no_new_privileges, and the exec gate on exec.fifo.
#include <string>

#include "init/context.hpp"

namespace ocirt::init {

void set_hostname(const InitContext& ctx);
void apply_no_new_privileges(const InitContext& ctx);
// Blocks until `start` opens exec.fifo for reading, then writes one byte to it.
void wait_for_start(const InitContext& ctx);

}  // namespace ocirt::init
