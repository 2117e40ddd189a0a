#pragma once
// The D-Bus connection of the systemd cgroup driver: systemd's private socket as a direct peer, else the
// system bus, as runc connects (go-systemd's NewWithContext); for a rootless container the user's own
// systemd instance, on its private socket or the session bus (runc's newUserSystemdDbus).
#include <string>

#include "cgroups/systemd/sd_bus_handles.hpp"

namespace ocirt::cgroups {

struct SystemdSockets {
    std::string private_socket = "/run/systemd/private";  // systemd's own D-Bus socket (root only)
    std::string bus;  // a D-Bus address: $DBUS_SYSTEM_BUS_ADDRESS, else unix:path=/run/dbus/system_bus_socket
    bool user = false;  // the calling user's systemd instance (user@UID.service), not the system's
};
// The system instance's sockets.
SystemdSockets default_systemd_sockets();
// The calling user's instance: $XDG_RUNTIME_DIR/systemd/private, else the session bus
// ($DBUS_SESSION_BUS_ADDRESS, else unix:path=$XDG_RUNTIME_DIR/bus, as sd_bus_open_user(3) and runc find it).
// Rootless podman passes its runtime XDG_RUNTIME_DIR but not DBUS_SESSION_BUS_ADDRESS. Throws an Error
// naming both variables when neither is set.
SystemdSockets user_systemd_sockets();
SystemdSockets systemd_sockets(bool user);

// A started connection to systemd. Where neither socket answers, an Error naming --systemd-cgroup, what
// it was for (`purpose`, e.g. "create unit \"x.scope\"") and why each failed.
BusPtr connect_systemd(const std::string& purpose, const SystemdSockets& sockets = default_systemd_sockets());

}  // namespace ocirt::cgroups
