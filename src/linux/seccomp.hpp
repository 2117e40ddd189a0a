#pragma once
// A seccomp filter: compiled to BPF with libseccomp (in the parent), loaded with seccomp(2) (in the
// process that will exec). `ocirt exec` loads the same planned filter with load_seccomp_filter.
#include <linux/filter.h>

#include <vector>

#include "plan/seccomp_plan.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// The plan's rules as one BPF program; throws Error when libseccomp or this kernel refuses them.
std::vector<sock_filter> compile_seccomp_filter(const plan::SeccompPlan& plan);

// Loads plan.program into the calling thread's filters with plan.flags. Returns the notify fd when the
// plan has a listener, an empty UniqueFd otherwise.
UniqueFd load_seccomp_filter(const plan::SeccompPlan& plan);

}  // namespace ocirt::linux_
