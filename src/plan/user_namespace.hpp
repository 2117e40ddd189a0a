#pragma once
// The user namespace part of the plan: linux.uidMappings/gidMappings → the maps the parent writes, and
// what an unprivileged (rootless) parent cannot grant.
#include "linux/idmap.hpp"
#include "config/config.hpp"

namespace ocirt::plan {

// A config's uidMappings or gidMappings as the ranges a map file takes.
std::vector<linux_::IdRange> id_ranges(const std::vector<config::IdMapping>& mappings);

// `rootless_euid`: the parent runs with a non-zero effective uid, so setgroups is denied before gid_map.
linux_::IdMaps plan_id_maps(const config::Linux& linux_config, bool rootless_euid);

// Throws Error naming /process/user/additionalGids when the groups cannot be set (setgroups denied).
void check_additional_gids(const config::Process& process, const linux_::IdMaps& maps, bool new_user_namespace);

}  // namespace ocirt::plan
