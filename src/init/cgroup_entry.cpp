#include "init/cgroup_entry.hpp"

#include <sched.h>

#include <array>
#include <string_view>

#include "linux/namespaces.hpp"

namespace ocirt::init {

void enter_cgroup(const InitContext& ctx) {
    if (ctx.in_cgroup) return;
    ctx.channel.expect(sync::MsgType::CgroupReady);
    ctx.in_cgroup = true;
    if (ctx.plan.new_cgroup_namespace) {
        linux_::unshare_namespaces(CLONE_NEWCGROUP);
        ctx.step("unshared cgroup");
    }
}

bool mount_needs_cgroup(const plan::MountStep& m) {
    using Kind = plan::MountStep::Kind;
    if (m.kind == Kind::bind) return false;
    if (m.kind == Kind::cgroup) return true;
    constexpr std::array<std::string_view, 5> kVirtual{"proc", "sysfs", "tmpfs", "devpts", "mqueue"};
    for (auto type : kVirtual)
        if (m.type == type) return false;
    return true;
}

}  // namespace ocirt::init
