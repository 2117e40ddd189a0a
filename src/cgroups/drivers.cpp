#include "cgroups/drivers.hpp"

#include <filesystem>

#include "cgroups/no_cgroup.hpp"
#include "cgroups/systemd/manager.hpp"
#include "cgroups/v1/manager.hpp"
#include "cgroups/v2/manager.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {
namespace fs = std::filesystem;
namespace {

std::unique_ptr<CgroupfsManager> cgroupfs_driver(std::vector<Placement> placements) {
    if (placements.size() == 1 && placements.front().hierarchy.unified)
        return std::make_unique<V2Manager>(std::move(placements.front()));
    return std::make_unique<V1Manager>(std::move(placements));
}

// The old encoding: one path for every hierarchy, or {"<hierarchy>": "<path>", ...}.
std::string legacy_path_in(const std::string& encoded, const HierarchyMount& h, const char* what) {
    if (encoded.empty() || encoded.front() != '{') return encoded;
    nlohmann::json paths;
    try {
        paths = nlohmann::json::parse(encoded);
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("recorded cgroup ") + what + " " + ocirt::quoted(encoded) + ": " + e.what());
    }
    auto it = paths.find(h.key());
    return it != paths.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Where a relative cgroupsPath (or none: the container's ID) starts: the caller's own cgroup on a v1
// hierarchy; on cgroup2 its parent, as runc's fs2 driver does. The caller's cgroup holds processes (a
// systemd service's, a login session's), and cgroup2 enables no controller for the children of a cgroup
// with processes ("no internal processes" rule, cgroups(7)); the root cgroup is exempt.
std::string relative_base(const HierarchyMount& h) {
    if (!h.unified) return h.own_cgroup;
    std::string parent = fs::path(clean_cgroup_path(h.own_cgroup)).parent_path().string();
    return parent.empty() ? "/" : parent;
}

}  // namespace

std::unique_ptr<Manager> cgroupfs_cgroup(const std::optional<std::string>& cgroups_path, const std::string& id,
                                         const Hierarchy& hierarchy) {
    std::string requested = cgroups_path && !cgroups_path->empty() ? *cgroups_path : id;
    bool absolute = requested.front() == '/';
    std::vector<Placement> placements;
    for (const auto& h : hierarchy.all()) {
        std::string cgroup = absolute ? clean_cgroup_path(requested)
                                      : clean_cgroup_path(relative_base(h) + clean_cgroup_path(requested));
        if (cgroup == "/")
            throw Error("cgroup path " + ocirt::quoted(requested) + " resolves to the root cgroup of " +
                        ocirt::quoted(h.mount_point));
        placements.push_back({h, cgroup, {}});
    }
    if (placements.empty()) return no_cgroup();
    return cgroupfs_driver(std::move(placements));
}

std::unique_ptr<Manager> systemd_cgroup(const SystemdCgroup& unit, const std::string& id, const Hierarchy& hierarchy,
                                        bool user) {
    // systemd delegates no v1 controller to a user's instance, and runc refuses the same ("cannot use
    // rootless systemd cgroups manager on cgroup v1").
    if (user && hierarchy.mode() != Hierarchy::Mode::v2)
        throw Error("--systemd-cgroup: a rootless container's unit needs a cgroup v2 host, where systemd delegates "
                    "controllers to the user's instance; run without --systemd-cgroup to use cgroupfs",
                    0, "/linux/cgroupsPath");
    SystemdUnit systemd = SystemdUnit::for_new_unit(unit, id, hierarchy.mode(), systemd_sockets(user));
    std::vector<Placement> placements;
    for (const auto& h : hierarchy.all()) placements.push_back({h, systemd.cgroup(), {}});
    return std::make_unique<SystemdManager>(std::move(systemd), cgroupfs_driver(std::move(placements)));
}

std::unique_ptr<Manager> container_cgroup(const std::optional<std::string>& cgroups_path, const std::string& id,
                                          bool systemd, const Hierarchy& hierarchy, bool rootless) {
    if (systemd)
        return systemd_cgroup(parse_systemd_cgroup(cgroups_path, id, rootless ? "user.slice" : "system.slice"), id,
                              hierarchy, rootless);
    return cgroupfs_cgroup(cgroups_path, id, hierarchy);
}

std::unique_ptr<Manager> no_cgroup() { return std::make_unique<NoCgroup>(); }

std::unique_ptr<Manager> open_recorded(const RecordedCgroup& recorded) {
    if (recorded.legacy) {
        if (recorded.legacy->path.empty()) return no_cgroup();
        return open_recorded(resolve_legacy(recorded, Hierarchy::detect()));
    }
    std::vector<Placement> placements = placements_of(recorded);
    if (!recorded.systemd_unit.empty()) {
        Hierarchy::Mode mode = mode_of(placements);
        return std::make_unique<SystemdManager>(
            SystemdUnit::for_recorded(recorded.systemd_unit, mode, recorded.systemd_user),
            cgroupfs_driver(std::move(placements)));
    }
    if (placements.empty()) return no_cgroup();
    return cgroupfs_driver(std::move(placements));
}

RecordedCgroup resolve_legacy(const RecordedCgroup& recorded, const Hierarchy& hierarchy) {
    if (!recorded.legacy) return recorded;
    const LegacyCgroupPath& old = *recorded.legacy;
    RecordedCgroup r;
    for (const auto& h : hierarchy.all()) {
        std::string cgroup = legacy_path_in(old.path, h, "path");
        if (cgroup.empty() || cgroup.front() != '/') continue;
        r.paths.push_back({h.key(), h.mount_point, cgroup, legacy_path_in(old.created_from, h, "parents")});
    }
    // The systemd driver placed the unit at the same path in every hierarchy; the unit is its last component.
    if (old.systemd && !old.path.empty() && old.path.front() == '/')
        r.systemd_unit = std::filesystem::path(old.path).filename().string();
    return r;
}

}  // namespace ocirt::cgroups
