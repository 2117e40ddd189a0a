#pragma once
// `delete`: remove a stopped container's cgroup and state directory; with `force`, kill it first.
#include <string>

namespace ocirt::runtime {

struct DeleteRequest {
    std::string root;
    std::string id;
    bool force = false;
};

// An unknown ID is an error, except with `force` (containerd deletes with --force and expects success).
void delete_container(const DeleteRequest& request);

}  // namespace ocirt::runtime
