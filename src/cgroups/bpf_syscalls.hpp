#pragma once
// The few bpf(2) commands the device filter needs, called directly (no libbpf). Program fds come from
// the kernel with O_CLOEXEC set (bpf_prog_new_fd), and each is owned by a UniqueFd here.
#include <linux/bpf.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/unique_fd.hpp"

namespace ocirt::cgroups::bpf {

// BPF_PROG_LOAD of a BPF_PROG_TYPE_CGROUP_DEVICE program; a refusal is an Error carrying the verifier's log.
UniqueFd load_device_program(const std::vector<bpf_insn>& insns, const std::string& name);
// BPF_PROG_ATTACH at BPF_CGROUP_DEVICE with BPF_F_ALLOW_MULTI, beside programs attached before.
void attach_device_program(int cgroup_fd, int program_fd);
void detach_device_program(int cgroup_fd, int program_fd);
// BPF_PROG_QUERY: ids of the programs attached to the cgroup itself (not inherited).
std::vector<uint32_t> attached_device_programs(int cgroup_fd);
// BPF_PROG_GET_FD_BY_ID; nullopt once the program is gone.
std::optional<UniqueFd> program_by_id(uint32_t id);
// BPF_OBJ_GET_INFO_BY_FD: the name given at load time.
std::string program_name(int program_fd);
uint32_t program_id(int program_fd);

}  // namespace ocirt::cgroups::bpf
