#pragma once
// The unit of a container's cgroup under --systemd-cgroup, over D-Bus: systemd makes the unit (and so the
// cgroup directories) once the init's pid is known, and removes them when the unit is stopped.
#include <sys/types.h>

#include <string>

#include "cgroups/hierarchy.hpp"
#include "cgroups/systemd/bus.hpp"
#include "cgroups/systemd/sd_bus_handles.hpp"
#include "cgroups/systemd/path.hpp"
#include "config/config.hpp"

namespace ocirt::cgroups {

class SystemdUnit {
public:
    // For a new container: connects at once, so that a host where no systemd answers fails before anything
    // is made. A user's instance (sockets.user) makes its units below its own cgroup: the unit's cgroup
    // is then that (the Manager's ControlGroup) followed by `unit.cgroup`, as runc's rootless driver has it.
    static SystemdUnit for_new_unit(SystemdCgroup unit, std::string id, Hierarchy::Mode mode,
                                      const SystemdSockets& sockets = default_systemd_sockets());
    // For a container in state.json, whose unit systemd (the user's, with `user`) has started.
    static SystemdUnit for_recorded(const std::string& unit, Hierarchy::Mode mode, bool user = false);

    const std::string& unit() const { return unit_.unit; }
    // The unit's cgroup, absolute in every hierarchy.
    const std::string& cgroup() const { return unit_.cgroup; }
    bool user_instance() const { return sockets_.user; }
    bool started() const { return started_; }
    // StartTransientUnit with PIDs=[pid] and the limits systemd understands; returns when the job is done.
    // The connection is closed afterwards: a container outlives the ocirt process that made it.
    void start(pid_t pid, const config::Resources& resources);
    // SetUnitProperties with the limits systemd understands (nothing is sent when there are none).
    void update(const config::Resources& resources);
    // StopUnit; a unit systemd does not know is no error. Nothing is stopped for a new unit whose start job
    // systemd never took: that name may be another container's unit.
    void stop();

private:
    SystemdSockets sockets() const;  // sockets_, or those of the instance found now (a recorded unit)

    SystemdCgroup unit_;
    std::string id_;
    Hierarchy::Mode mode_ = Hierarchy::Mode::none;
    SystemdSockets sockets_;
    BusPtr bus_;
    bool started_ = false;
    bool job_queued_ = false;  // StartTransientUnit queued a job for this unit (whatever its result)
};

}  // namespace ocirt::cgroups
