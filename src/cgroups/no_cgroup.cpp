#include "cgroups/no_cgroup.hpp"

#include "util/error.hpp"

namespace ocirt::cgroups {

void NoCgroup::freeze() { throw Error("no freezer: the container has no cgroup of its own"); }

void NoCgroup::thaw() { throw Error("no freezer: the container has no cgroup of its own"); }

}  // namespace ocirt::cgroups
