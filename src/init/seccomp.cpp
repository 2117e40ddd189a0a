#include "init/seccomp.hpp"

#include "linux/seccomp.hpp"
#include "util/error.hpp"

namespace ocirt::init {

void load_seccomp(const InitContext& ctx, plan::SeccompStage stage) {
    const auto& seccomp = ctx.plan.seccomp;
    if (!seccomp || seccomp->stage != stage) return;
    // After Ready nobody reads the channel: only the earlier stages log.
    if (stage != plan::SeccompStage::before_exec) ctx.step("loading seccomp");
    UniqueFd listener = linux_::load_seccomp_filter(seccomp->program, seccomp->flags);
    if (listener) ctx.channel.send(sync::Message::with_fd(sync::MsgType::SeccompFd, std::move(listener)));
}

}  // namespace ocirt::init
