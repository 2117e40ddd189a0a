#include "cgroups/device_filter.hpp"

#include <fcntl.h>

#include "cgroups/bpf_device_program.hpp"
#include "cgroups/bpf_syscalls.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::cgroups {

const char* const kDeviceProgramName = "ocirt_devices";

void install_device_filter(const std::string& cgroup_dir, const std::vector<config::DeviceCgroupRule>& rules) {
    const std::string pointer = "/linux/resources/devices";
    std::vector<bpf_insn> program = device_program(rules, pointer);
    with_context(pointer + ": cgroup v2 device filter on " + ocirt::quoted(cgroup_dir), [&] {
        UniqueFd cgroup(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!cgroup) throw SysError("open " + ocirt::quoted(cgroup_dir));
        std::vector<UniqueFd> previous;
        for (uint32_t id : bpf::attached_device_programs(cgroup.get()))
            if (auto fd = bpf::program_by_id(id); fd && bpf::program_name(fd->get()) == kDeviceProgramName)
                previous.push_back(std::move(*fd));
        UniqueFd loaded = bpf::load_device_program(program, kDeviceProgramName);
        bpf::attach_device_program(cgroup.get(), loaded.get());
        // Detached only once the new program is in place, so no moment passes without a filter.
        for (const auto& fd : previous) bpf::detach_device_program(cgroup.get(), fd.get());
    });
}

}  // namespace ocirt::cgroups
