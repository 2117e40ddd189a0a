#include "cgroups/recorded_cgroup.hpp"

#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

nlohmann::json recorded_cgroup_json(const RecordedCgroup& r) {
    nlohmann::json paths = nlohmann::json::object();
    for (const auto& p : r.paths) {
        nlohmann::json one = {{"mountPoint", p.mount_point}, {"cgroup", p.cgroup}};
        if (!p.created_from.empty()) one["createdFrom"] = p.created_from;
        paths[p.hierarchy] = std::move(one);
    }
    nlohmann::json j = {{"driver", r.systemd_unit.empty() ? "cgroupfs" : "systemd"}, {"paths", std::move(paths)}};
    if (!r.systemd_unit.empty()) j["unit"] = r.systemd_unit;
    if (!r.systemd_unit.empty() && r.systemd_user) j["instance"] = "user";
    return j;
}

RecordedCgroup recorded_cgroup_of_json(const nlohmann::json& j) {
    RecordedCgroup r;
    std::string driver = j.at("driver").get<std::string>();
    if (driver == "systemd") {
        r.systemd_unit = j.at("unit").get<std::string>();
        if (r.systemd_unit.empty()) throw Error("cgroup: a systemd cgroup with an empty unit name");
        std::string instance = j.value("instance", "system");
        if (instance != "system" && instance != "user")
            throw Error("cgroup: unknown systemd instance " + ocirt::quoted(instance));
        r.systemd_user = instance == "user";
    } else if (driver != "cgroupfs") {
        throw Error("cgroup: unknown driver " + ocirt::quoted(driver));
    }
    for (const auto& [hierarchy, p] : j.at("paths").items()) {
        RecordedPath path{hierarchy, p.at("mountPoint").get<std::string>(), p.at("cgroup").get<std::string>(),
                          p.value("createdFrom", "")};
        if (path.mount_point.empty() || path.cgroup.empty() || path.cgroup.front() != '/')
            throw Error("cgroup: the path in " + ocirt::quoted(hierarchy) + " is not absolute");
        r.paths.push_back(std::move(path));
    }
    return r;
}

}  // namespace

void RecordedCgroup::write_to(nlohmann::json& state) const {
    if (legacy) {
        state["cgroupPath"] = legacy->path;
        state["cgroupCreatedFrom"] = legacy->created_from;
        state["systemdCgroup"] = legacy->systemd;
        return;
    }
    state["cgroup"] = recorded_cgroup_json(*this);
}

RecordedCgroup RecordedCgroup::read_from(const nlohmann::json& state) {
    if (auto it = state.find("cgroup"); it != state.end()) return recorded_cgroup_of_json(*it);
    RecordedCgroup r;
    r.legacy = LegacyCgroupPath{state.value("cgroupPath", ""), state.value("cgroupCreatedFrom", ""),
                                state.value("systemdCgroup", false)};
    return r;
}

std::string RecordedCgroup::pending_text() const {
    nlohmann::json state;
    write_to(state);
    return legacy ? legacy->path : state["cgroup"].dump();
}

RecordedCgroup RecordedCgroup::from_pending_text(const std::string& text) {
    if (!text.empty() && text.front() == '{') {
        auto j = nlohmann::json::parse(text, nullptr, false);
        if (j.is_object() && j.contains("driver")) {
            try {
                return recorded_cgroup_of_json(j);
            } catch (const nlohmann::json::exception& e) {
                throw Error("cgroup.pending: " + std::string(e.what()));
            }
        }
    }
    RecordedCgroup r;
    r.legacy = LegacyCgroupPath{text, "", false};
    return r;
}

}  // namespace ocirt::cgroups
