#pragma once
// `delete`: remove a stopped container's cgroup and state directory; with `force`, kill it first.
#include <string>

namespace ocirt::cgroups {
class Hierarchy;
}

namespace ocirt::runtime {

struct DeleteRequest {
    std::string root;
    std::string id;
    bool force = false;
    const cgroups::Hierarchy* hierarchy = nullptr;  // the cgroup mounts, when the caller read them already
};

// An unknown ID is an error, except with `force` (containerd deletes with --force and expects success).
void delete_container(const DeleteRequest& request);

}  // namespace ocirt::runtime
