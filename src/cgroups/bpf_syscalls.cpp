#include "cgroups/bpf_syscalls.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace ocirt::cgroups::bpf {
namespace {

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

uint64_t address_of(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

long load(const std::vector<bpf_insn>& insns, const std::string& name, char* log, uint32_t log_size) {
    static const char kLicense[] = "Apache-2.0";
    bpf_attr attr{};
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = address_of(insns.data());
    attr.insn_cnt = static_cast<uint32_t>(insns.size());
    attr.license = address_of(kLicense);
    if (log) {
        attr.log_buf = address_of(log);
        attr.log_size = log_size;
        attr.log_level = 1;
    }
    std::strncpy(attr.prog_name, name.c_str(), sizeof attr.prog_name - 1);
    return bpf(BPF_PROG_LOAD, attr);
}

bpf_prog_info info_of(int program_fd) {
    bpf_prog_info info{};
    bpf_attr attr{};
    attr.info.bpf_fd = static_cast<uint32_t>(program_fd);
    attr.info.info_len = sizeof info;
    attr.info.info = address_of(&info);
    if (bpf(BPF_OBJ_GET_INFO_BY_FD, attr) < 0) throw SysError("bpf(BPF_OBJ_GET_INFO_BY_FD)");
    return info;
}

}  // namespace

UniqueFd load_device_program(const std::vector<bpf_insn>& insns, const std::string& name) {
    long fd = load(insns, name, nullptr, 0);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    int err = errno;
    // Loaded again with a log only on failure: a log too small for the verifier's output fails the load.
    std::string log(1 << 16, '\0');
    long again = load(insns, name, log.data(), static_cast<uint32_t>(log.size()));
    if (again >= 0) ::close(static_cast<int>(again));
    log.resize(std::strlen(log.c_str()));
    std::string text = "bpf(BPF_PROG_LOAD) of a " + std::to_string(insns.size()) + "-instruction device program";
    if (!log.empty()) text += " (verifier: " + log + ")";
    throw SysError(text, err);
}

void attach_device_program(int cgroup_fd, int program_fd) {
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(program_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attr) < 0) throw SysError("bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE)");
}

void detach_device_program(int cgroup_fd, int program_fd) {
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(program_fd);
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, attr) < 0) throw SysError("bpf(BPF_PROG_DETACH, BPF_CGROUP_DEVICE)");
}

std::vector<uint32_t> attached_device_programs(int cgroup_fd) {
    std::vector<uint32_t> ids(16);
    for (;;) {
        bpf_attr attr{};
        attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
        attr.query.attach_type = BPF_CGROUP_DEVICE;
        attr.query.prog_ids = address_of(ids.data());
        attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
        if (bpf(BPF_PROG_QUERY, attr) == 0) {
            ids.resize(attr.query.prog_cnt);
            return ids;
        }
        // ENOSPC: more programs than room; prog_cnt now says how many (bpf(2), BPF_PROG_QUERY).
        if (errno != ENOSPC || attr.query.prog_cnt <= ids.size()) throw SysError("bpf(BPF_PROG_QUERY, BPF_CGROUP_DEVICE)");
        ids.resize(attr.query.prog_cnt);
    }
}

std::optional<UniqueFd> program_by_id(uint32_t id) {
    bpf_attr attr{};
    attr.prog_id = id;
    long fd = bpf(BPF_PROG_GET_FD_BY_ID, attr);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == ENOENT) return std::nullopt;
    throw SysError("bpf(BPF_PROG_GET_FD_BY_ID, " + std::to_string(id) + ")");
}

std::string program_name(int program_fd) {
    bpf_prog_info info = info_of(program_fd);
    return std::string(info.name, strnlen(info.name, sizeof info.name));
}

uint32_t program_id(int program_fd) { return info_of(program_fd).id; }

}  // namespace ocirt::cgroups::bpf
