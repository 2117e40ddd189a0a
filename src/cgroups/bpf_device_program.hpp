#pragma once
// The instructions of a BPF_PROG_TYPE_CGROUP_DEVICE program deciding device access from a rule list,
// emitted by hand: libbpf is not among the project's dependencies and the program is a few dozen
// fixed-shape instructions (linux/bpf.h, Documentation/bpf/standardization/instruction-set.rst).
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "config/config.hpp"

namespace ocirt::cgroups {

// The rules decide like a devices list read from the end: for each access bit asked for (m, r, w), the last
// rule whose type, major and minor match and whose access has that bit allows or denies it; a bit no rule
// covers is denied; the access is granted when every bit asked for is allowed. An absent type is "a", an
// absent or negative major/minor matches any, an absent access is "rwm". Invalid rules are Errors naming
// `pointer`/<index>.
std::vector<bpf_insn> device_program(const std::vector<config::DeviceCgroupRule>& rules,
                                     const std::string& pointer = "/linux/resources/devices");

}  // namespace ocirt::cgroups
