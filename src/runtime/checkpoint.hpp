#pragma once
// `checkpoint` and `restore` (runc's commands of the same names) through CRIU (criu/criu.hpp).
// checkpoint dumps a running container's process tree into an image directory and, unless it is to keep
// running (or the dump is a pre-dump), deletes the container as runc does; restore makes a container from a
// bundle as create does (state directory, cgroup, hooks, cleanup: runtime/new_container.hpp) and has CRIU
// recreate the process tree in it instead of forking an init. The image directory also holds
// descriptors.json: what the init's stdin, stdout and stderr were, so that restore can give pipes (a
// shim's, conmon's) new ends.
#include <string>
#include <vector>

#include "runtime/create.hpp"

namespace ocirt::runtime {

// What both commands pass to CRIU alike.
struct CriuRequest {
    std::string criu = "criu";  // --criu: the binary
    std::string image_path;     // --image-path (default: ./checkpoint)
    std::string work_path;      // --work-path (default: the image path): logs
    bool tcp_established = false;
    bool ext_unix_sk = false;
    bool shell_job = false;
    bool file_locks = false;
    std::string manage_cgroups_mode;     // soft, full, strict, ignore; "" = CRIU's default
    std::vector<std::string> empty_ns;  // namespace types ("network") CRIU leaves empty at restore
};

struct CheckpointRequest {
    std::string root;
    std::string id;
    CriuRequest criu;
    bool leave_running = false;
    bool pre_dump = false;
    std::string parent_path;  // --parent-path, relative to the image path: the pre-dump to build on
};

void checkpoint_container(const CheckpointRequest& request);

struct RestoreRequest {
    CreateRequest create;  // --bundle, --pid-file, --console-socket, the ID and the global flags
    CriuRequest criu;
    bool detach = false;
    std::string lsm_profile;
    std::string lsm_mount_context;
};

// Returns the exit code: 0 detached, else the restored init's (128+N for signal N) once it has exited and
// the container is deleted, as `run` does.
int restore_container(const RestoreRequest& request);

}  // namespace ocirt::runtime
