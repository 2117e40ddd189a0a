#pragma once
// org.freedesktop.systemd1(5) Manager calls the cgroup driver needs, each waiting for the job it queues
// to end (the JobRemoved signal) before it returns.
#include <chrono>
#include <string>
#include <vector>

#include "cgroups/systemd/sd_bus_handles.hpp"
#include "cgroups/systemd/properties.hpp"

namespace ocirt::cgroups {

inline constexpr std::chrono::seconds kSystemdJobTimeout{30};

// StartTransientUnit(unit, "replace", properties, []). A unit of that name left over (UnitExists) is reset
// (ResetFailedUnit) and the call made once more, as runc does. Throws Error naming the call, the unit and
// the D-Bus error, or the job's result when it is not "done". `job_queued` is set once systemd has taken
// the job: before that, a refusal (UnitExists of a unit another container holds, say) leaves nothing of
// ours to stop.
void start_transient_unit(sd_bus* bus, const std::string& unit, const std::vector<UnitProperty>& properties,
                          bool& job_queued, std::chrono::milliseconds timeout = kSystemdJobTimeout);

// StopUnit(unit, "replace"): systemd kills what is left in the unit and removes its cgroup. A unit systemd
// does not know (NoSuchUnit) is already gone. A failed unit is then reset so that systemd forgets it.
void stop_unit(sd_bus* bus, const std::string& unit, std::chrono::milliseconds timeout = kSystemdJobTimeout);

// SetUnitProperties(unit, runtime=true, properties): systemd keeps the new limits, so that it does not put the
// old ones back when it reapplies the unit's cgroup settings (on daemon-reload, for one).
void set_unit_properties(sd_bus* bus, const std::string& unit, const std::vector<UnitProperty>& properties);

// The Manager's ControlGroup property: the cgroup of the systemd instance itself ("" for the system's,
// "/user.slice/user-1000.slice/user@1000.service" for a user's), under which it makes its units' cgroups.
std::string manager_control_group(sd_bus* bus);

// Appends one a(sv) element per property to an open message.
void append_properties(sd_bus_message* message, const std::vector<UnitProperty>& properties);

}  // namespace ocirt::cgroups
