#include "runtime/hooks_exchange.hpp"

#include "sync/await_child.hpp"
#include "sync/step_log.hpp"

namespace ocirt::runtime {

void answer_hooks_please(const sync::Channel& channel, linux_::ChildProcess& init, const RuntimeHooks& run_runtime_hooks) {
    sync::await_from_child(channel, init, sync::MsgType::HooksPlease);
    if (run_runtime_hooks) run_runtime_hooks(init.pid());
    sync::log_step("parent", "runtime hooks done");
    sync::Message done = sync::Message::plain(sync::MsgType::HooksDone);
    done.payload = {{"pid", init.pid()}};
    sync::send_to_child(channel, init, done);
}

}  // namespace ocirt::runtime
