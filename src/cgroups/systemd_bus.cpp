#include "cgroups/systemd_bus.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::cgroups {
namespace {

// "" when a connection was made, else why not.
std::string connect_failure(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof addr.sun_path) return "no usable socket path";
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd) return SysError("socket").full();
    int rc;
    do {
        rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc < 0 && errno == EINTR);
    return rc == 0 ? "" : SysError("connect").full();
}

}  // namespace

SystemdSockets default_systemd_sockets() {
    SystemdSockets s;
    s.system_bus = "/run/dbus/system_bus_socket";
    // dbus-daemon(1): the address is "unix:path=/some/socket" possibly followed by ",key=value".
    if (const char* address = std::getenv("DBUS_SYSTEM_BUS_ADDRESS")) {
        std::string a = address;
        const std::string prefix = "unix:path=";
        if (a.rfind(prefix, 0) == 0) s.system_bus = a.substr(prefix.size(), a.find(',') - prefix.size());
    }
    return s;
}

void require_systemd(const std::string& unit, const SystemdSockets& sockets) {
    std::string private_failure = connect_failure(sockets.private_socket);
    std::string bus_failure = private_failure.empty() ? "" : connect_failure(sockets.system_bus);
    if (!private_failure.empty() && !bus_failure.empty())
        throw Error("--systemd-cgroup: no systemd answers to create unit " + ocirt::quoted(unit) + " (" +
                    sockets.private_socket + ": " + private_failure + "; " + sockets.system_bus + ": " + bus_failure +
                    "); run without --systemd-cgroup to use cgroupfs");
    throw Error("--systemd-cgroup: creating unit " + ocirt::quoted(unit) +
                " over D-Bus is not implemented in ocirt; run without --systemd-cgroup to use cgroupfs");
}

}  // namespace ocirt::cgroups
