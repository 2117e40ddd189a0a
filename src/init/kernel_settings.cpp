#include "init/kernel_settings.hpp"

#include "linux/scheduling.hpp"
#include "linux/sysctl.hpp"

namespace ocirt::init {

void apply_sysctls(const InitContext& ctx) {
    // Written through the host's /proc before pivot_root: proc(5) resolves /proc/sys/net, the IPC limits and
    // the UTS names in the namespaces of the writing process, which are already the container's.
    for (const auto& s : ctx.plan.sysctls) linux_::write_sysctl(s.key, s.path, s.value);
    if (!ctx.plan.sysctls.empty()) ctx.step("sysctl set");
}

void apply_personality(const InitContext& ctx) {
    if (!ctx.plan.personality) return;
    linux_::set_personality(*ctx.plan.personality);
    ctx.step("personality set");
}

}  // namespace ocirt::init
