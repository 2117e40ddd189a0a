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

}  // namespace

SystemdSockets default_systemd_sockets() {
    SystemdSockets s;
    const char* address = std::getenv("DBUS_SYSTEM_BUS_ADDRESS");
    s.system_bus = address && *address ? address : "unix:path=/run/dbus/system_bus_socket";
    return s;
}

BusPtr connect_systemd(const std::string& purpose, const SystemdSockets& sockets) {
    Attempt direct = open_bus("unix:path=" + sockets.private_socket, false);
    if (direct.bus) return std::move(direct.bus);
    Attempt bus = open_bus(sockets.system_bus, true);
    if (bus.bus) return std::move(bus.bus);
    throw Error("--systemd-cgroup: no systemd answers to " + purpose + " (" + sockets.private_socket + ": " +
                direct.failure + "; " + sockets.system_bus + ": " + bus.failure +
                "); run without --systemd-cgroup to use cgroupfs");
}

}  // namespace ocirt::cgroups
