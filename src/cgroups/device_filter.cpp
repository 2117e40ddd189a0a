#include "cgroups/device_filter.hpp"

#include "util/error.hpp"

namespace ocirt::cgroups {

void install_device_filter(const std::string&, const std::vector<spec::DeviceCgroupRule>&) {
    throw Error("the cgroup v2 device filter is not built yet", 0, "/linux/resources/devices");
}

}  // namespace ocirt::cgroups
