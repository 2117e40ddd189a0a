#pragma once
// The child's first namespace step after the joins: a new user namespace made alone (unshare(2)), its id
// maps written by the parent while the child waits (UsernsReady → MapsWritten), then root in it, so
// that every namespace unshared next is owned by it. A user namespace joined by path: root in it.
#include "init/context.hpp"

namespace ocirt::init {

void enter_user_namespace(const InitContext& ctx);
// The plan joins an existing user namespace by path.
bool joins_user_namespace(const plan::InitPlan& plan);

}  // namespace ocirt::init
