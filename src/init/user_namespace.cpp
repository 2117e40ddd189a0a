#include "init/user_namespace.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>

#include "linux/namespaces.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

// user_namespaces(7): a process keeps the ids it had in the parent namespace (shown as the overflow id)
// until it sets ids that are mapped in the new one; capabilities(7): euid becoming the namespace's root
// keeps the permitted set effective.
void become_root() {
    if (::setresgid(0, 0, 0) < 0) throw SysError("setgid 0 in the user namespace");
    if (::setresuid(0, 0, 0) < 0) throw SysError("setuid 0 in the user namespace");
}

}  // namespace

bool joins_user_namespace(const plan::InitPlan& plan) {
    return std::any_of(plan.joins.begin(), plan.joins.end(), [](const auto& j) { return j.clone_flag == CLONE_NEWUSER; });
}

void enter_user_namespace(const InitContext& ctx) {
    if (ctx.plan.new_user_namespace) {
        linux_::unshare_namespaces(CLONE_NEWUSER);
        ctx.step("unshared user");
        ctx.channel.send(sync::Message::plain(sync::MsgType::UsernsReady));
        ctx.channel.expect(sync::MsgType::MapsWritten);
    } else if (!joins_user_namespace(ctx.plan)) {
        return;
    }
    become_root();
    ctx.step("root in the user namespace");
}

}  // namespace ocirt::init
