#pragma once
// Which security modules and resource-control file systems this host offers, read before planning.
#include "plan/process_attributes.hpp"

namespace ocirt::runtime {

plan::SecurityFacts read_security_facts();

}  // namespace ocirt::runtime
