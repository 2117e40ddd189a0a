#pragma once
// What the replay of a captured client config checks: the facts the config asks for, read from the probe's
// output inside the container (tests/client-configs/replay_test.cpp writes the probe) and from the host.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ocirt::replay {

// What the probe printed: sections that start with a line "@@name".
struct ProbeOutput {
    std::string text;
    std::vector<std::string> section(const std::string& name) const;
    std::string first(const std::string& name) const;  // the section's first line, or ""
};

// What the test saw from the host while the container ran.
struct HostFacts {
    std::string shared_prefix;                          // bind sources under it sit on a shared mount
    std::map<std::string, std::string> cgroup_dirs;     // v1 controller -> the init's cgroup directory
    std::map<std::string, std::string> cgroup_paths;    // v1 controller -> the init's path in it
    std::vector<std::string> hooks_missing;             // hooks of the config that left no record
};

// One line per fact that differs from what `process` asks (uid, gids, cwd, env, capabilities, no_new_privs,
// rlimits, oom score, terminal).
std::vector<std::string> check_process(const nlohmann::json& process, const ProbeOutput& out);
// check_process of config.process, then the container's: rootfs, hostname, mounts (type, ro/rw, propagation),
// masked and read-only paths, devices, sysctls, seccomp, namespaces, uid mappings, cgroup values and path.
std::vector<std::string> check_container(const nlohmann::json& config, const ProbeOutput& out, const HostFacts& host);

}  // namespace ocirt::replay
