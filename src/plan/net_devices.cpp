#include "plan/net_devices.hpp"

#include <algorithm>

#include "config/json_pointer.hpp"
#include "util/error.hpp"

namespace ocirt::plan {

std::vector<NetDevice> plan_net_devices(const config::Linux& linux_config, const Options& options) {
    std::vector<NetDevice> devices;
    // A network namespace given by path is the container's too: the device moves into it, as into a new one
    // (config-linux.md: into "the container network namespace"; runc moves it into whatever namespace its
    // init is in, made or joined).
    bool network = std::any_of(linux_config.namespaces.begin(), linux_config.namespaces.end(),
                               [](const config::Namespace& ns) { return ns.type == "network"; });
    for (const auto& [host, device] : linux_config.netDevices) {
        NetDevice d{host, device.name.value_or(host), false, config::pointer_join("/linux/netDevices", host)};
        d.pattern = d.name.find("%d") != std::string::npos;
        // The rule net-devices says so at load already; the plan never moves a device into the runtime's own
        // namespace.
        if (!network) throw ConfigError(d.pointer, "needs a network namespace in /linux/namespaces to move the device into");
        // rtnetlink(7): moving a device out of the runtime's network namespace takes CAP_NET_ADMIN over it,
        // which a runtime without uid 0 has not (runc refuses netDevices for a rootless container too).
        if (options.rootless_euid)
            throw ConfigError(d.pointer, "moving a network device needs CAP_NET_ADMIN in the runtime's network namespace, "
                                         "which a rootless runtime has not");
        devices.push_back(std::move(d));
    }
    return devices;
}

}  // namespace ocirt::plan
