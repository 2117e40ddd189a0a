#pragma once
// The user namespace an idmapped mount takes its mapping from (mount_setattr(2) MOUNT_ATTR_IDMAP).
#include <vector>

#include "linux/idmap.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// A new user namespace with these maps, held by the returned fd (a short-lived child owns it until then).
UniqueFd mapped_user_namespace(const std::vector<IdRange>& uid_map, const std::vector<IdRange>& gid_map);

}  // namespace ocirt::linux_
