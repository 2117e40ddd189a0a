#include "cgroups/resource_writes.hpp"

namespace ocirt::cgroups {

std::vector<FileWrite> v2_writes(const spec::Resources&) { return {}; }

}  // namespace ocirt::cgroups
