#include "runtime/user_namespace_maps.hpp"

#include "sync/await_child.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {

void map_user_namespace(const sync::Channel& channel, linux_::ChildProcess& child, const plan::InitPlan& plan) {
    if (!plan.new_user_namespace) return;
    sync::await_from_child(channel, child, sync::MsgType::UsernsReady, "the first child");
    with_context("user namespace", [&] { linux_::write_id_maps(child.pid(), plan.id_maps); });
    sync::send_to_child(channel, child, sync::Message::plain(sync::MsgType::MapsWritten), "the first child");
    sync::log_step("parent", "id maps written");
}

}  // namespace ocirt::runtime
