#include "linux/seccomp.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

struct FilterRelease {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using FilterCtx = std::unique_ptr<void, FilterRelease>;

std::string flag_names(unsigned int flags) {
    static const std::pair<unsigned int, const char*> names[] = {
        {SECCOMP_FILTER_FLAG_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC"},
        {SECCOMP_FILTER_FLAG_LOG, "SECCOMP_FILTER_FLAG_LOG"},
        {SECCOMP_FILTER_FLAG_SPEC_ALLOW, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"},
        {SECCOMP_FILTER_FLAG_NEW_LISTENER, "SECCOMP_FILTER_FLAG_NEW_LISTENER"},
        {SECCOMP_FILTER_FLAG_TSYNC_ESRCH, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"},
        {SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"},
    };
    std::string out;
    // Appended piece by piece: GCC 12 at -O3 reports a false -Wrestrict inside libstdc++ for `"|" + std::string`.
    for (const auto& [flag, name] : names)
        if (flags & flag) out.append(out.empty() ? "" : "|").append(name);
    return out.empty() ? "0" : out;
}

long seccomp_syscall(unsigned int operation, unsigned int flags, void* args) {
    return ::syscall(SYS_seccomp, operation, flags, args);
}

// seccomp(2) checks the flags before it reads the program: a null program gives EFAULT for flags this
// kernel accepts and EINVAL for the others. This tells before fork whether the load can succeed.
bool kernel_takes_flags(unsigned int flags) {
    return seccomp_syscall(SECCOMP_SET_MODE_FILTER, flags, nullptr) == 0 || errno != EINVAL;
}

void check_kernel_takes_flags(unsigned int flags) {
    if (flags == 0 || kernel_takes_flags(flags)) return;
    for (unsigned int bit = 1; bit != 0 && bit <= flags; bit <<= 1)
        if ((flags & bit) && !kernel_takes_filter_flag(bit)) throw Error(flag_names(bit) + " is not supported by this kernel");
    throw Error("this kernel refuses the flags " + flag_names(flags) + " together");
}

void check(int rc, const std::string& what) {
    if (rc < 0) throw SysError(what, -rc);
}

// libseccomp 2.5.4 exports BPF only to a file descriptor (seccomp_export_bpf_mem came in 2.6).
std::vector<sock_filter> export_program(void* ctx) {
    int fd = ::memfd_create("ocirt-seccomp", MFD_CLOEXEC);
    if (fd < 0) throw SysError("memfd_create");
    UniqueFd file(fd);
    check(seccomp_export_bpf(ctx, file.get()), "export the filter");
    off_t size = ::lseek(file.get(), 0, SEEK_END);
    if (size < 0 || size % sizeof(sock_filter) != 0) throw SysError("size of the exported filter");
    std::vector<sock_filter> program(static_cast<size_t>(size) / sizeof(sock_filter));
    if (::pread(file.get(), program.data(), static_cast<size_t>(size), 0) != size) throw SysError("read the exported filter");
    // bpf(4) via seccomp(2): one program holds at most BPF_MAXINSNS instructions.
    if (program.size() > BPF_MAXINSNS)
        throw Error("the filter needs " + std::to_string(program.size()) + " BPF instructions, the kernel takes at most " +
                    std::to_string(BPF_MAXINSNS));
    return program;
}

}  // namespace

bool kernel_takes_filter_flag(unsigned int flag) {
    // seccomp(2): WAIT_KILLABLE_RECV is refused without NEW_LISTENER.
    return kernel_takes_flags(flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ? flag | SECCOMP_FILTER_FLAG_NEW_LISTENER : flag);
}

bool libseccomp_takes_action(uint32_t action) {
    // libseccomp refuses a rule whose action is the filter's default, so the default differs from `action`.
    FilterCtx ctx(seccomp_init(action == SCMP_ACT_ALLOW ? SCMP_ACT_KILL_THREAD : SCMP_ACT_ALLOW));
    if (!ctx) return false;
    return seccomp_rule_add_array(ctx.get(), action, SCMP_SYS(getpid), 0, nullptr) == 0;
}

bool libseccomp_takes_architecture(uint32_t arch) {
    FilterCtx ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) return false;
    int rc = seccomp_arch_add(ctx.get(), arch);
    return rc == 0 || rc == -EEXIST;
}

std::string libseccomp_version() {
    const scmp_version* v = seccomp_version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->micro);
}

std::vector<sock_filter> compile_seccomp_filter(const SeccompFilter& filter) {
    FilterCtx ctx(seccomp_init(filter.default_action));
    if (!ctx) throw Error("libseccomp refuses the default action");
    for (uint32_t arch : filter.architectures) {
        int rc = seccomp_arch_add(ctx.get(), arch);
        if (rc != -EEXIST) check(rc, "add architecture " + std::to_string(arch));
    }
    for (const auto& rule : filter.rules) {
        std::vector<scmp_arg_cmp> conditions;
        for (const auto& c : rule.conditions)
            conditions.push_back({c.index, static_cast<scmp_compare>(c.op), c.value, c.value_two});
        check(seccomp_rule_add_array(ctx.get(), rule.action, rule.syscall, static_cast<unsigned int>(conditions.size()),
                                     conditions.data()),
              "add the rule for " + quoted(rule.name));
    }
    check_kernel_takes_flags(filter.flags);
    return export_program(ctx.get());
}

UniqueFd load_seccomp_filter(const std::vector<sock_filter>& program, unsigned int flags) {
    sock_fprog fprog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
    // Loaded by seccomp(2) rather than seccomp_load(3): libseccomp 2.5.4 cannot set WAIT_KILLABLE_RECV,
    // and the child then has nothing left to compute.
    long rc = seccomp_syscall(SECCOMP_SET_MODE_FILTER, flags, &fprog);
    if (rc < 0) {
        int err = errno;
        std::string what = "load the seccomp filter (flags " + flag_names(flags) + ")";
        // seccomp(2): without no_new_privs the caller needs CAP_SYS_ADMIN.
        if (err == EACCES) what += ": noNewPrivileges is off and CAP_SYS_ADMIN is missing";
        throw SysError(what, err);
    }
    if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) return UniqueFd(static_cast<int>(rc));
    return UniqueFd();
}

}  // namespace ocirt::linux_
