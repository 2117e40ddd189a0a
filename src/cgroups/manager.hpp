#pragma once
// Places a container in its cgroup in every hierarchy the host has (v1 controllers and the cgroup2 mount),
// applies linux.resources, signals and lists what is in it, and removes it.
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cgroups/hierarchy.hpp"
#include "cgroups/stats.hpp"
#include "cgroups/systemd/path.hpp"
#include "config/config.hpp"

namespace ocirt::cgroups {

class SystemdDriver;

// Who makes and removes the cgroup directories: ocirt itself, or systemd (--systemd-cgroup).
enum class Driver { cgroupfs, systemd };

class Manager {
public:
    // linux.cgroupsPath: absolute → under each hierarchy's root; relative → under ocirt's own cgroup in
    // each hierarchy; absent → "<id>" relative to ocirt's own cgroup, which is what runc's cgroupfs driver
    // does when the path is empty (its cgroup Name is the container ID, Parent is empty).
    static Manager for_container(const std::optional<std::string>& cgroups_path, const std::string& id,
                                 const Hierarchy& hierarchy = Hierarchy::detect());
    // --systemd-cgroup: the placements are systemd's ("<expanded slice>/<unit>" in every hierarchy), made when
    // the unit starts. Connects to systemd at once; where none answers, an Error before anything is made.
    static Manager for_systemd(const SystemdCgroup& unit, const std::string& id,
                               const Hierarchy& hierarchy = Hierarchy::detect());
    // `recorded_path` is what path() returned; "" gives a manager that does nothing.
    static Manager from_state(const std::string& recorded_path, const Hierarchy& hierarchy = Hierarchy::detect());
    // The same for a container made with `driver`: with systemd, apply() updates the unit's properties and
    // destroy() stops it.
    static Manager from_state(const std::string& recorded_path, Driver driver,
                              const Hierarchy& hierarchy = Hierarchy::detect());

    // What state.json records: the absolute cgroup path when every hierarchy agrees, otherwise a JSON
    // object {"<hierarchy key>": "<absolute cgroup path>", ...} (the own cgroup differs between hierarchies).
    const std::string& path() const { return recorded_; }
    // What create() made above and including the container's cgroup, in path()'s encoding ("" when it
    // made nothing): destroy() removes those directories and no other. state.json keeps it for delete.
    std::string created_from() const;
    void set_created_from(const std::string& recorded);

    // mkdir -p in every hierarchy; v1 cpuset gets its parent's cpus/mems. With systemd, nothing yet: the
    // directories are systemd's to make, when add_process starts the unit.
    void create();
    // cgroup.procs in each. With systemd, the first pid starts the unit (PIDs=[pid] and the limits systemd
    // understands), then the directories systemd did not make are made, the pid joins every hierarchy and
    // the resources given to apply() are written: all before the caller lets the process go on.
    void add_process(pid_t pid);
    // Writes linux.resources, each group where its controller is: a v1 hierarchy that has it, else the
    // cgroup2 mount (controller enabled in the ancestors' cgroup.subtree_control); a group no hierarchy
    // takes is an Error naming its JSON pointer. Used by create and by update. With systemd before the
    // unit exists, the resources are kept for add_process; once it exists (update), systemd is told the
    // limits it understands (SetUnitProperties) before the files are written, as runc does.
    void apply(const config::Resources& resources);
    std::vector<pid_t> pids() const;  // cgroup.procs of one hierarchy, nested cgroups included
    void signal_all(int sig);         // v1: freeze, kill each pid, thaw; v2: cgroup.kill for SIGKILL
    bool frozen() const;
    // False when no hierarchy can freeze the cgroup (no v1 freezer, no cgroup.freeze on the cgroup2 mount).
    bool can_freeze() const;
    void freeze();                    // returns once every task is frozen, or throws after a timeout
    void thaw();
    // Usage of every controller: from the v1 hierarchy that has it, else from the cgroup2 mount (where the
    // controller's files exist in the container's cgroup); a controller found in neither is left at zero.
    Stats stats() const;
    // rmdir the leaf (and cgroups made inside it) and the parents create() made, in each hierarchy; with
    // systemd, StopUnit first (systemd removes its directories), then whatever ocirt made itself.
    void destroy();

    struct Placement {
        HierarchyMount hierarchy;
        std::string cgroup;        // absolute within the hierarchy, e.g. "/ocirt/abc"
        std::string created_from;  // the topmost cgroup create() made on the way to `cgroup`; "" if none
        std::string directory() const { return hierarchy.mount_point + cgroup; }
    };
    const std::vector<Placement>& placements() const { return placements_; }
    const Placement* unified() const;                              // the cgroup2 placement, if any
    const Placement* v1_with(std::string_view controller) const;  // the v1 placement with `controller`

private:
    Manager() = default;
    const Placement* pids_source() const;
    const Placement* freezer() const;
    void set_frozen(bool frozen);
    void encode_path();
    std::string encode(std::string Placement::*field) const;
    void make_directories();
    void write_procs(pid_t pid);
    void write_resources(const config::Resources& resources);
    void remove_directories();
    bool systemd_started() const;
    void start_systemd_unit(pid_t pid);
    void update_systemd_unit(const config::Resources& resources);
    void stop_systemd_unit();

    std::vector<Placement> placements_;
    std::string recorded_;
    std::shared_ptr<SystemdDriver> systemd_;     // --systemd-cgroup
    std::optional<config::Resources> pending_;     // apply() before systemd made the unit
};

}  // namespace ocirt::cgroups
