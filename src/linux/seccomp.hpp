#pragma once
// A seccomp filter: compiled to BPF with libseccomp (in the parent), loaded with seccomp(2) (in the
// process that will exec). The rules come as libseccomp's numbers: plan/seccomp_plan.hpp resolves the
// config's names into them.
#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

struct SeccompCondition {
    unsigned int index = 0;  // the syscall argument, 0..5
    int op = 0;              // enum scmp_compare
    uint64_t value = 0;      // SCMP_CMP_MASKED_EQ: the mask
    uint64_t value_two = 0;  // SCMP_CMP_MASKED_EQ: the value the masked argument must equal
};

struct SeccompRule {
    std::string name;
    int syscall = 0;  // libseccomp's number (negative for a syscall that only other architectures have)
    uint32_t action = 0;
    std::vector<SeccompCondition> conditions;  // all must hold
};

struct SeccompFilter {
    uint32_t default_action = 0;
    std::vector<uint32_t> architectures;  // SCMP_ARCH_* added beside the native one
    std::vector<SeccompRule> rules;
    unsigned int flags = 0;  // SECCOMP_FILTER_FLAG_* for seccomp(2)
};

// The filter as one BPF program; throws Error when libseccomp or this kernel refuses its rules or flags.
std::vector<sock_filter> compile_seccomp_filter(const SeccompFilter& filter);

// What this host accepts, asked without loading anything: seccomp(2) for one SECCOMP_FILTER_FLAG_*,
// libseccomp (which checks the kernel too) for a rule with one SCMP_ACT_* action, and libseccomp for one
// SCMP_ARCH_* beside the native one (it refuses an architecture of the other byte order with EDOM).
bool kernel_takes_filter_flag(unsigned int flag);
bool libseccomp_takes_action(uint32_t action);
bool libseccomp_takes_architecture(uint32_t arch);

// The libseccomp this process runs with, "2.5.4".
std::string libseccomp_version();

// Loads `program` into the calling thread's filters with `flags` (SECCOMP_FILTER_FLAG_*). Returns the
// notify fd when the flags ask for a listener, an empty UniqueFd otherwise.
UniqueFd load_seccomp_filter(const std::vector<sock_filter>& program, unsigned int flags);

}  // namespace ocirt::linux_
