#pragma once
// The parent's side of UsernsReady → MapsWritten (src/sync/protocol.hpp): once the child has made its
// user namespace, write the plan's id maps into /proc/<child>/ and let it go on.
#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "sync/channel.hpp"

namespace ocirt::runtime {

void map_user_namespace(const sync::Channel& channel, linux_::ChildProcess& child, const plan::InitPlan& plan);

}  // namespace ocirt::runtime
