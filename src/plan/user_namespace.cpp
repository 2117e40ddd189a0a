#include "plan/user_namespace.hpp"

#include "util/error.hpp"

namespace ocirt::plan {

std::vector<linux_::IdRange> id_ranges(const std::vector<config::IdMapping>& mappings) {
    std::vector<linux_::IdRange> out;
    out.reserve(mappings.size());
    for (const auto& m : mappings) out.push_back({m.containerID, m.hostID, m.size});
    return out;
}

linux_::IdMaps plan_id_maps(const config::Linux& linux_config, bool rootless_euid) {
    linux_::IdMaps maps;
    maps.uid = id_ranges(linux_config.uidMappings);
    maps.gid = id_ranges(linux_config.gidMappings);
    maps.deny_setgroups = rootless_euid;
    return maps;
}

void check_additional_gids(const config::Process& process, const linux_::IdMaps& maps, bool new_user_namespace) {
    if (!new_user_namespace || !maps.deny_setgroups || process.user.additionalGids.empty()) return;
    // user_namespaces(7): after "deny" is written to /proc/PID/setgroups, setgroups(2) fails with EPERM.
    throw Error("/process/user/additionalGids: cannot be set by an unprivileged user: setgroups is denied in its user namespace",
                0, "/process/user/additionalGids");
}

}  // namespace ocirt::plan
