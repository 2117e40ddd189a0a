#include "state/record.hpp"

#include "state/saved_hooks.hpp"
#include "util/error.hpp"
#include "util/json_integer.hpp"

namespace ocirt::state {

std::string_view to_string(Status status) {
    switch (status) {
        case Status::creating: return "creating";
        case Status::created: return "created";
        case Status::running: return "running";
        case Status::paused: return "paused";
        case Status::stopped: return "stopped";
    }
    return "unknown";
}

nlohmann::json Record::to_json() const {
    nlohmann::json j = {
        {"ociVersion", oci_version},
        {"id", id},
        {"pid", pid},
        {"pidStartTime", pid_start_time},
        {"bundle", bundle},
        {"rootfs", rootfs},
        {"created", created},
        {"owner", owner},
        {"annotations", annotations},
        {"noNewKeyring", no_new_keyring},
        {"rootfsMountIdBefore", rootfs_mount_id_before},
    };
    cgroup.write_to(j);
    if (auto saved = saved_hooks_to_json(hooks); !saved.empty()) j["hooks"] = saved;
    return j;
}

Record Record::from_json(const nlohmann::json& j) {
    try {
        Record r;
        r.oci_version = j.value("ociVersion", "");
        r.id = j.at("id").get<std::string>();
        r.pid = integer_at(j, "pid", pid_t{0});
        r.pid_start_time = integer_at(j, "pidStartTime", uint64_t{0});
        r.bundle = j.value("bundle", "");
        r.rootfs = j.value("rootfs", "");
        r.created = j.value("created", "");
        r.owner = integer_at(j, "owner", uid_t{0});
        r.annotations = j.value("annotations", std::map<std::string, std::string>{});
        r.cgroup = cgroups::RecordedCgroup::read_from(j);
        r.no_new_keyring = j.value("noNewKeyring", false);
        r.rootfs_mount_id_before = integer_at(j, "rootfsMountIdBefore", uint64_t{0});
        if (j.contains("hooks")) r.hooks = saved_hooks_from_json(j.at("hooks"));
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("state.json: ") + e.what());
    }
}

Record Record::parse(const std::string& text) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("state.json is corrupt: ") + e.what());
    }
    return from_json(j);
}

namespace {

template <class Json>
Json make_oci_state(const Record& record, Status status) {
    Json j;
    j["ociVersion"] = record.oci_version;
    j["id"] = record.id;
    // runc prints pid 0 for a stopped container: its recorded pid may belong to another process by now.
    j["pid"] = status == Status::stopped ? 0 : record.pid;
    j["status"] = to_string(status);
    j["bundle"] = record.bundle;
    j["rootfs"] = record.rootfs;
    j["created"] = record.created;
    if (!record.annotations.empty()) j["annotations"] = record.annotations;
    // runc's `state` leaves owner empty (only `list` resolves the directory's owner to a user name).
    j["owner"] = "";
    return j;
}

}  // namespace

nlohmann::json oci_state(const Record& record, Status status) {
    return make_oci_state<nlohmann::json>(record, status);
}

nlohmann::ordered_json oci_state_ordered(const Record& record, Status status) {
    return make_oci_state<nlohmann::ordered_json>(record, status);
}

}  // namespace ocirt::state
