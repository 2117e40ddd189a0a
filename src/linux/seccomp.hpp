#pragma once
// A seccomp filter: compiled to BPF with libseccomp (in the parent), loaded with seccomp(2) (in the
// process that will exec). `ocirt exec` loads the same planned filter with load_seccomp_filter.
#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "plan/seccomp_plan.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// The plan's rules as one BPF program; throws Error when libseccomp or this kernel refuses them.
std::vector<sock_filter> compile_seccomp_filter(const plan::SeccompPlan& plan);

// What this host accepts, asked without loading anything: seccomp(2) for one SECCOMP_FILTER_FLAG_*,
// libseccomp (which checks the kernel too) for a rule with one SCMP_ACT_* action, and libseccomp for one
// SCMP_ARCH_* beside the native one (it refuses an architecture of the other byte order with EDOM).
bool kernel_takes_filter_flag(unsigned int flag);
bool libseccomp_takes_action(uint32_t action);
bool libseccomp_takes_architecture(uint32_t arch);

// The libseccomp this process runs with, "2.5.4".
std::string libseccomp_version();

// Loads plan.program into the calling thread's filters with plan.flags. Returns the notify fd when the
// plan has a listener, an empty UniqueFd otherwise.
UniqueFd load_seccomp_filter(const plan::SeccompPlan& plan);

}  // namespace ocirt::linux_
