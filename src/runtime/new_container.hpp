#pragma once
// A container on its way from bundle to running process, in the steps `create` takes:
//   prepare (the constructor): bundle → config → plan; the state directory made and locked
//   place:   the cgroup made and its limits written
//   launch:  not here: how the init comes to be (runtime/create.cpp forks it and drives it through the sync
//            protocol, runtime/launcher.hpp)
//   commit:  state.json and the pid file
// Every step pushes how to undo what it made onto one CleanupStack, so a failure at any step, up to and
// including commit, is undone the same way, newest first: the cgroup removed, the rootfs detached from the
// host's mounts, the state directory removed, and then the poststop hooks run (runtime.md "Lifecycle": a
// failed create goes on at step 12, destroy, then 13, poststop). The init itself is not on the stack: the
// caller holds it (linux_::ChildProcess kills and reaps it when dropped) in an object made after this one,
// so that it is gone before the stack unwinds.
//
// `launch` is the seam `restore` (runtime/restore.cpp) replaces. It takes prepare, save_config, place and
// commit as they are, with its own launch in between: CRIU recreating the checkpointed process tree in the
// placed cgroup (its cgroup root) and the container's namespaces, and running the prestart and
// createRuntime hooks (runtime_hooks()) where CRIU reports the namespaces set up, instead of forking the
// init and answering HooksPlease. It makes no exec.fifo (a restored container is running, not created:
// state::derive_status reads that from the fifo's absence), and CRIU's process joins the cgroup once it
// exists, as with Placement::join_after_fork.
#include <memory>
#include <optional>
#include <string>

#include "cgroups/hierarchy.hpp"
#include "cgroups/manager.hpp"
#include "config/config.hpp"
#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "runtime/cleanup_stack.hpp"
#include "runtime/create.hpp"
#include "runtime/hooks_exchange.hpp"
#include "state/record.hpp"
#include "state/store.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {

// How the init comes into its cgroup, decided once per container from the cgroup driver, the host's
// hierarchies and the plan.
enum class Placement {
    // A pure cgroup v2 host: the cgroup is made first and clone3(2) CLONE_INTO_CGROUP starts the init
    // inside it, so it never runs a moment in ours.
    clone_into_cgroup,
    // The init is cloned straight into its namespaces before the cgroup exists and sets itself up while
    // the parent makes the cgroup (a mkdir in each v1 hierarchy: several ms); it joins by cgroup.procs and
    // waits for CgroupReady before its first step that needs the cgroup (init/cgroup_entry.hpp).
    start_before_cgroup,
    // The cgroup is made first, then fork and cgroup.procs; with systemd the unit is started for the pid.
    // Also where the first child needs the parent before the init exists (id maps, a second fork).
    join_after_fork,
};

// `planned`: the container's cgroup before it is made. With request.systemd_cgroup systemd makes it, for the
// init's pid; with request.rootless the container may yet go without it (runtime/rootless.hpp), so the init
// waits for what place() made instead of starting with the planned directories.
Placement choose_placement(const cgroups::Manager& planned, const CreateRequest& request, const plan::InitPlan& plan);

class NewContainer {
public:
    // prepare: loads and plans the bundle's config, takes the console, makes and locks the state directory
    // and saves the cgroup path about to be made (a create SIGKILLed from here on leaves delete --force a
    // state directory and a cgroup to find). Nothing of the container runs yet.
    explicit NewContainer(const CreateRequest& request);
    NewContainer(const NewContainer&) = delete;
    NewContainer& operator=(const NewContainer&) = delete;

    const plan::InitPlan& plan() const { return plan_; }
    const config::Config& config() const { return config_; }
    const std::string& bundle() const { return bundle_; }
    const state::Record& record() const { return record_; }  // complete once committed
    Placement placement() const { return placement_; }
    const state::Container& state_dir() const { return *container_; }
    int console_socket() const;  // for the init: --console-socket, or the tty proxy's end; -1 when none

    // The config.json text create validated, kept in the state directory for exec (state/store.hpp).
    void save_config();
    // place: makes the cgroup and writes linux.resources, before any process of the container is in it.
    cgroups::Manager& place();
    // The prestart and createRuntime hooks, run with the init's pid in their state.
    RuntimeHooks runtime_hooks();
    // commit: saves state.json and writes the pid file; from here on the container is delete's to remove.
    // Returns `init`.
    linux_::ChildProcess commit(linux_::ChildProcess init);

private:
    const CreateRequest& request_;
    std::string bundle_;
    std::string config_text_;
    config::Config config_;
    std::optional<cgroups::Hierarchy> detected_hierarchy_;  // when the request brought none
    const cgroups::Hierarchy* hierarchy_;
    plan::InitPlan plan_;
    bool proxied_ = false;  // the terminal goes through request.tty_proxy (`run` in the foreground)
    UniqueFd console_;
    std::string pid_file_;
    state::Record record_;
    std::optional<state::Container> container_;
    std::unique_ptr<cgroups::Manager> cgroup_;  // planned in prepare, made in place
    Placement placement_ = Placement::join_after_fork;
    CleanupStack cleanup_;  // last: it unwinds while what its steps refer to still exists
};

}  // namespace ocirt::runtime
