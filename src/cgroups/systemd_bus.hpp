#pragma once
// Whether a systemd answers for the systemd cgroup driver: its private socket or the D-Bus system bus.
#include <string>

namespace ocirt::cgroups {

struct SystemdSockets {
    std::string private_socket = "/run/systemd/private";  // systemd's own D-Bus socket (root only)
    std::string system_bus;  // $DBUS_SYSTEM_BUS_ADDRESS's unix:path=, else /run/dbus/system_bus_socket
};
SystemdSockets default_systemd_sockets();

// Connects to each socket in turn; throws Error naming --systemd-cgroup, `unit` and why each failed when
// neither answers. ocirt does not speak D-Bus yet, so a systemd that does answer is an Error too.
void require_systemd(const std::string& unit, const SystemdSockets& sockets = default_systemd_sockets());

}  // namespace ocirt::cgroups
