#include "init/hook_steps.hpp"

#include <unistd.h>

#include "hooks/run_hooks.hpp"

namespace ocirt::init {

void run_create_hooks(const InitContext& ctx) {
    const auto& hooks = ctx.plan.hooks;
    if (!hooks.ask_parent) return;
    ctx.channel.send(sync::Message::plain(sync::MsgType::HooksPlease));
    ctx.channel.expect(sync::MsgType::HooksDone);
    nlohmann::json state = hooks.state;
    // runtime.md State: "For hooks executed in the container namespace, it is the pid as seen by the container";
    // this process is the container process, so its own pid is that view.
    state["pid"] = ::getpid();
    ctx.hook_state = state.dump();
    ctx.step("runtime hooks done");
    if (hooks.create_container.empty()) return;
    hooks::run_hooks("createContainer", hooks.create_container, ctx.hook_state, hooks::OnFailure::fail, hooks.cwd);
    ctx.step("createContainer hooks done");
}

void run_start_hooks(const InitContext& ctx) {
    const auto& hooks = ctx.plan.hooks;
    if (hooks.start_container.empty()) return;
    hooks::run_hooks("startContainer", hooks.start_container, ctx.hook_state, hooks::OnFailure::fail, "");
}

}  // namespace ocirt::init
