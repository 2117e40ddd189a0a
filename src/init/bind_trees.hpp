#pragma once
// The bind mounts' sources, cloned as detached trees while the first child is still in the initial user
// namespace, for a container with a user namespace:
// - a container's ids may not be able to traverse the directories above a host source (runc and crun bind
//   such sources through an fd opened by the runtime too);
// - mount_setattr(2) MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace of the source's filesystem,
//   which a process in a joined user namespace lacks.
#include <vector>

#include "plan/init_plan.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

// One entry per plan.mounts index: the detached tree (idmapped where the mount asks for it), or an empty fd
// where the init binds by path itself (not a bind; an idmap whose new user namespace does not exist yet;
// a runtime without CAP_SYS_ADMIN over its mount namespace); no entries at all without a user namespace.
std::vector<UniqueFd> prepare_bind_trees(const plan::InitPlan& plan);

}  // namespace ocirt::init
