#pragma once
// A container's cgroup, whichever driver keeps it: the v1 driver (v1 controllers, with the cgroup2 mount
// beside them on a hybrid host), the v2 driver (a cgroup2-only host), or the systemd driver (a unit, with one
// of the other two for the cgroup files). drivers.hpp makes them.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cgroups/placement.hpp"
#include "cgroups/recorded_cgroup.hpp"
#include "cgroups/stats.hpp"
#include "config/config.hpp"

namespace ocirt::cgroups {

class Manager {
public:
    virtual ~Manager() = default;

    // Makes the directories (mkdir -p in every hierarchy). With systemd, nothing yet: the directories are
    // systemd's to make, when add_process starts the unit.
    virtual void create() = 0;
    // Puts `pid` in the cgroup (cgroup.procs in each hierarchy). With systemd, the first pid starts the unit
    // first, then joins the directories and gets the resources given to apply() before it.
    virtual void add_process(pid_t pid) = 0;
    // Writes linux.resources, each group where its controller is; a group no hierarchy takes is an Error
    // naming its JSON pointer. Used by create and by update.
    virtual void apply(const config::Resources& resources) = 0;
    virtual std::vector<pid_t> pids() const = 0;  // nested cgroups included
    virtual void signal_all(int sig) = 0;
    virtual bool frozen() const = 0;
    // False when nothing can freeze the cgroup (no v1 freezer, no cgroup.freeze).
    virtual bool can_freeze() const = 0;
    virtual void freeze() = 0;  // returns once every task is frozen, or throws after a timeout
    virtual void thaw() = 0;
    // Usage of every controller; a controller the cgroup does not have is left at zero.
    virtual Stats stats() const = 0;
    // Removes the cgroup (and cgroups made inside it) and the parents create() made; with systemd, stops
    // the unit first.
    virtual void destroy() = 0;

    virtual const std::vector<Placement>& placements() const = 0;  // one per hierarchy the cgroup is in
    // The cgroup2 directory a child can be cloned straight into (CLONE_INTO_CGROUP), when that one
    // directory places it fully (a cgroup2-only host, ocirt's own directory).
    virtual std::optional<std::string> clone_target() const = 0;
    // What state.json keeps to open the same cgroup later (drivers.hpp open_recorded).
    virtual RecordedCgroup record() const = 0;
};

}  // namespace ocirt::cgroups
