#pragma once
// Host network devices for the linux.netDevices tests, made and removed with iproute2's ip(8) (this project's
// kernel has no dummy driver: veth pairs stand in for a host's interfaces).
#include <unistd.h>

#include <string>
#include <vector>

#include "../integration/harness.hpp"

namespace ocirt::test {

inline const std::string kIpTool = "/usr/sbin/ip";

inline Result ip_tool(std::vector<std::string> args) {
    args.insert(args.begin(), kIpTool);
    return run_program(args);
}

inline bool host_has_device(const std::string& name) { return ip_tool({"link", "show", "dev", name}).exit_code == 0; }

// Interface names are at most 15 bytes: a two-letter `prefix`, this process's pid, `tag`, a counter.
inline std::string fresh_device_name(const std::string& prefix, const std::string& tag) {
    static int counter = 0;
    return prefix + std::to_string(::getpid() % 100000) + tag + std::to_string(counter++);
}

// A veth pair on the host: `end()` is the one the container gets, `peer()` stays in the host. Deleting either end
// deletes both; the destructor removes what is left, whatever the test did.
class HostVethPair {
public:
    explicit HostVethPair(const std::string& prefix) : end_(fresh_device_name(prefix, "a")), peer_(fresh_device_name(prefix, "b")) {
        Result r = ip_tool({"link", "add", end_, "type", "veth", "peer", "name", peer_});
        made_ = r.exit_code == 0;
        error_ = r.err;
    }
    ~HostVethPair() {
        if (host_has_device(peer_)) ip_tool({"link", "del", peer_});
        if (host_has_device(end_)) ip_tool({"link", "del", end_});
    }
    HostVethPair(const HostVethPair&) = delete;
    HostVethPair& operator=(const HostVethPair&) = delete;
    bool made() const { return made_; }
    const std::string& error() const { return error_; }
    const std::string& end() const { return end_; }
    const std::string& peer() const { return peer_; }

private:
    std::string end_, peer_, error_;
    bool made_ = false;
};

}  // namespace ocirt::test
