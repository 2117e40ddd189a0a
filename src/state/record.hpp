#pragma once
// What <root>/<id>/state.json holds: the OCI state plus what ocirt needs to find the container again.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "cgroups/recorded_cgroup.hpp"
#include "config/config.hpp"

namespace ocirt::state {

enum class Status { creating, created, running, paused, stopped };
std::string_view to_string(Status status);

struct Record {
    std::string oci_version;           // the config's ociVersion
    std::string id;
    pid_t pid = 0;                     // the container's init, as seen from the host
    uint64_t pid_start_time = 0;       // field 22 of /proc/PID/stat, so a reused pid is detected
    std::string bundle;                // absolute
    std::string rootfs;                // absolute
    std::string created;               // RFC 3339
    uid_t owner = 0;                   // uid of whoever created it
    std::map<std::string, std::string> annotations;
    cgroups::RecordedCgroup cgroup;    // where the container's cgroup is, and which driver keeps it
    bool no_new_keyring = false;       // created with --no-new-keyring: exec joins no session keyring either
    config::Hooks hooks;                 // poststart and poststop as config.json had them at create
    // Without a mount namespace the rootfs is bound in the host's: the mount it sat on before, so delete
    // detaches what create stacked on it (0: the container has its own mount namespace).
    uint64_t rootfs_mount_id_before = 0;

    nlohmann::json to_json() const;               // the on-disk form
    static Record from_json(const nlohmann::json& j);
    static Record parse(const std::string& text);  // state.json text; throws Error when corrupt
};

// The runtime-spec State (ociVersion, id, status, pid, bundle, annotations) plus runc's extra fields
// (rootfs, created, owner), as printed by `ocirt state` and given to hooks on stdin.
nlohmann::json oci_state(const Record& record, Status status);
// The same with runc's key order (ociVersion, id, pid, status, bundle, rootfs, created, annotations, owner),
// for printing.
nlohmann::ordered_json oci_state_ordered(const Record& record, Status status);

}  // namespace ocirt::state
