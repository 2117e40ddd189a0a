#include "runtime/checkpoint.hpp"

#include <sys/stat.h>

#include "cgroups/placement.hpp"
#include "config/load.hpp"
#include "criu/criu.hpp"
#include "runtime/checkpoint_image.hpp"
#include "runtime/delete.hpp"
#include "runtime/exec_spec.hpp"
#include "state/container_errors.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {
namespace {

// The config the container was created with (runtime/exec_spec.hpp): its mounts and namespaces.
config::Config created_container_config(const state::OpenedContainer& c) {
    ConfigText created = created_config(c.container, c.record.bundle);
    config::LoadResult loaded = config::load_config_text(created.text, c.record.bundle);
    if (!loaded.config) throw Error(created.path + ": " + loaded.diagnostics.front().describe());
    return std::move(*loaded.config);
}

// CRIU freezes the tree through the cgroup's freezer rather than by stopping each task (criu(8)
// --freeze-cgroup): a tree that forks meanwhile cannot slip by.
std::string freezer_directory(const state::Record& record) {
    std::vector<cgroups::Placement> placements = cgroups::placements_of(record.cgroup);
    if (const auto* p = cgroups::v1_placement_with(placements, "freezer")) return p->directory();
    if (const auto* p = cgroups::unified_placement(placements)) return p->directory();
    return {};
}

std::string external_network_namespace(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) throw SysError("stat the network namespace " + ocirt::quoted(path));
    return "net[" + std::to_string(st.st_ino) + "]:" + kExternalNetNsKey;
}

void dump(const CheckpointRequest& request, const state::OpenedContainer& c) {
    if (c.status == state::Status::stopped) throw state::not_running(request.id);
    if (c.status == state::Status::created)
        throw Error("container " + ocirt::quoted(request.id) + " is created, not running: start it before a checkpoint");
    config::Config config = created_container_config(c);
    CriuDirectories dirs = open_criu_directories(request.criu, /*create_images=*/true);
    criu::Options o = common_criu_options(request.criu, dirs, request.pre_dump ? "pre-dump.log" : "dump.log");
    o.pid = c.record.pid;
    o.root = c.record.rootfs;
    o.leave_running = request.leave_running || request.pre_dump;
    // A terminal's pty master is outside the tree, with whoever took it from the console socket. Another
    // terminal on the init's stdio (the caller's) is criu(8) --shell-job's.
    o.orphan_pts_master = config.process && config.process->terminal;
    o.parent_image = request.parent_path;
    // criu(8) --track-mem: a pre-dump and the dump after it copy only the pages written since.
    o.track_mem = request.pre_dump || !request.parent_path.empty();
    o.freeze_cgroup = freezer_directory(c.record);
    o.external_mounts = external_bind_mounts(config, c.record.bundle, /*restoring=*/false);
    if (const config::Namespace* net = joined_network_namespace(config)) o.external.push_back(external_network_namespace(*net->path));
    if (!request.pre_dump) save_standard_descriptors(dirs.images.get(), c.record.pid);
    criu::run(request.criu.criu, request.pre_dump ? criu::Action::pre_dump : criu::Action::dump, o);
}

}  // namespace

void checkpoint_container(const CheckpointRequest& request) {
    {
        // Locked for the dump, as for any change: no start, exec or delete meanwhile.
        state::OpenedContainer c = state::Store(request.root).open_for_change(request.id);
        dump(request, c);
    }
    // CRIU killed the tree; the container is then deleted as runc deletes it (cgroup, state, poststop hooks).
    if (!request.leave_running && !request.pre_dump) delete_container({request.root, request.id, /*force=*/true});
}

}  // namespace ocirt::runtime
