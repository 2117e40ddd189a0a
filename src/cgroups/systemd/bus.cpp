#include "cgroups/systemd/bus.hpp"

#include <cstdlib>
#include <cstring>

#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

struct Attempt {
    BusPtr bus;
    std::string failure;
};

// sd_bus_start(3) connects at once; authentication (and Hello on a bus) completes with the first call.
Attempt open_bus(const std::string& address, bool bus_client) {
    auto failed = [](const char* step, int r) { return Attempt{nullptr, std::string(step) + ": " + std::strerror(-r)}; };
    sd_bus* raw = nullptr;
    int r = sd_bus_new(&raw);
    if (r < 0) return failed("sd_bus_new", r);
    BusPtr bus(raw);
    if ((r = sd_bus_set_address(bus.get(), address.c_str())) < 0) return failed("address", r);
    if ((r = sd_bus_set_bus_client(bus.get(), bus_client)) < 0) return failed("bus client", r);
    if ((r = sd_bus_start(bus.get())) < 0) return failed("connect", r);
    return Attempt{std::move(bus), ""};
}

const char* set_variable(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? value : nullptr;
}

}  // namespace

SystemdSockets default_systemd_sockets() {
    SystemdSockets s;
    const char* address = set_variable("DBUS_SYSTEM_BUS_ADDRESS");
    s.bus = address ? address : "unix:path=/run/dbus/system_bus_socket";
    return s;
}

SystemdSockets user_systemd_sockets() {
    SystemdSockets s;
    s.user = true;
    const char* runtime_dir = set_variable("XDG_RUNTIME_DIR");
    const char* address = set_variable("DBUS_SESSION_BUS_ADDRESS");
    if (!runtime_dir && !address)
        throw Error("--systemd-cgroup: a rootless container's unit is the user's own systemd's, and neither "
                    "XDG_RUNTIME_DIR nor DBUS_SESSION_BUS_ADDRESS says where it listens");
    // systemd(1) --user listens on $XDG_RUNTIME_DIR/systemd/private; without the variable, only the bus is tried.
    s.private_socket = runtime_dir ? std::string(runtime_dir) + "/systemd/private" : std::string();
    s.bus = address ? address : "unix:path=" + std::string(runtime_dir) + "/bus";
    return s;
}

SystemdSockets systemd_sockets(bool user) { return user ? user_systemd_sockets() : default_systemd_sockets(); }

BusPtr connect_systemd(const std::string& purpose, const SystemdSockets& sockets) {
    Attempt direct{nullptr, "XDG_RUNTIME_DIR is not set"};
    if (!sockets.private_socket.empty()) direct = open_bus("unix:path=" + sockets.private_socket, false);
    if (direct.bus) return std::move(direct.bus);
    Attempt bus = open_bus(sockets.bus, true);
    if (bus.bus) return std::move(bus.bus);
    std::string nobody = sockets.user ? "the user's systemd instance does not answer" : "no systemd answers";
    throw Error("--systemd-cgroup: " + nobody + " to " + purpose + " (" +
                (sockets.private_socket.empty() ? std::string("its private socket") : sockets.private_socket) +
                ": " + direct.failure + "; " + sockets.bus + ": " + bus.failure +
                "); run without --systemd-cgroup to use cgroupfs");
}

}  // namespace ocirt::cgroups
