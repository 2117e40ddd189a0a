#pragma once
// The idmapped binds, cloned and idmapped while the first child is still in the initial user namespace:
// mount_setattr(2) MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace of the source's filesystem,
// which a process in a joined user namespace lacks.
#include <vector>

#include "plan/init_plan.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

// One entry per plan.mounts index: the detached idmapped tree, or an empty fd where the init does it
// itself (no idmap, or the container's new user namespace does not exist yet); no entries at all
// without a user namespace.
std::vector<UniqueFd> prepare_idmapped_binds(const plan::InitPlan& plan);

}  // namespace ocirt::init
