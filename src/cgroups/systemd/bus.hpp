#pragma once
// The D-Bus connection of the systemd cgroup driver: systemd's private socket as a direct peer, else the
// system bus, as runc connects (go-systemd's NewWithContext).
#include <string>

#include "cgroups/systemd/sd_bus_handles.hpp"

namespace ocirt::cgroups {

struct SystemdSockets {
    std::string private_socket = "/run/systemd/private";  // systemd's own D-Bus socket (root only)
    std::string system_bus;  // a D-Bus address: $DBUS_SYSTEM_BUS_ADDRESS, else unix:path=/run/dbus/system_bus_socket
};
SystemdSockets default_systemd_sockets();

// A started connection to systemd. Where neither socket answers, an Error naming --systemd-cgroup, what
// it was for (`purpose`, e.g. "create unit \"x.scope\"") and why each failed.
BusPtr connect_systemd(const std::string& purpose, const SystemdSockets& sockets = default_systemd_sockets());

}  // namespace ocirt::cgroups
