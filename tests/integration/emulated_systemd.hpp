#pragma once
// An emulated systemd for the --systemd-cgroup tests, on any host: a D-Bus peer (sd-bus in server
// mode) on a temp unix socket, named to ocirt by $DBUS_SYSTEM_BUS_ADDRESS while it lives. It answers the
// bus driver's Hello/AddMatch/RemoveMatch and systemd's StartTransientUnit, SetUnitProperties (recorded
// only) and StopUnit; any other call
// gets sd-bus's UnknownMethod error. A started unit gets its cgroup directory "<expanded slice>/<unit>" in
// every hierarchy of the host with the PIDs moved in; a stopped one has its processes killed and those
// directories (and slice directories left empty) removed, as systemd does.
#include <sys/types.h>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cgroups/hierarchy.hpp"
#include "harness.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::test {

// ocirt tries systemd's private socket (/run/systemd/private) before the system bus ($DBUS_SYSTEM_BUS_ADDRESS,
// else /run/dbus/system_bus_socket), as runc does. Where the host has either socket, this moves the calling
// thread (and so every process it spawns) into a mount namespace of its own in which /dev/null covers them,
// so connecting is refused: ocirt finds no systemd, or the emulator that $DBUS_SYSTEM_BUS_ADDRESS names. The
// thread goes back to the host's mount namespace on destruction; threads the caller starts meanwhile must
// have ended by then (setns(2) refuses a shared filesystem context).
class HostSystemdHidden {
public:
    HostSystemdHidden();
    ~HostSystemdHidden();
    HostSystemdHidden(const HostSystemdHidden&) = delete;
    HostSystemdHidden& operator=(const HostSystemdHidden&) = delete;

private:
    UniqueFd host_namespace_;  // empty where the host has no systemd: nothing was hidden
    UniqueFd cwd_;
};

class EmulatedSystemd {
public:
    struct Call {
        std::string method;  // "StartTransientUnit", "SetUnitProperties", "StopUnit"
        std::string unit;
        std::map<std::string, std::string> properties;  // rendered: true, 42, text, [1,2]
        bool directories_existed = false;  // StartTransientUnit: the unit's cgroup was already there
    };

    EmulatedSystemd();
    ~EmulatedSystemd();
    EmulatedSystemd(const EmulatedSystemd&) = delete;
    EmulatedSystemd& operator=(const EmulatedSystemd&) = delete;

    std::vector<Call> calls() const;
    std::vector<Call> calls_of(const std::string& method) const;
    // The JobRemoved result of the next StartTransientUnit; anything but "done" makes no unit.
    void next_start_result(const std::string& result);
    // The next StartTransientUnit is answered with this D-Bus error instead of a job.
    void refuse_next_start(const std::string& dbus_error);
    // Cgroup directories of `cgroup` (absolute within each hierarchy) that exist now.
    std::vector<std::string> existing_directories(const std::string& cgroup) const;

    // Called on the emulator's thread by the D-Bus handlers.
    // Returns the job's result; throws Refusal for refuse_next_start().
    std::string start_unit(const Call& call);
    struct Refusal {
        std::string name;
    };
    bool stop_unit(const std::string& unit);   // false: no such unit
    bool has_unit(const std::string& unit) const;
    void record(Call call);
    uint32_t next_job_id() { return ++jobs_; }

private:
    void run();

    HostSystemdHidden host_systemd_hidden_;  // first: in place before any ocirt runs, gone after the thread
    TempDir dir_;
    std::string socket_path_;
    std::string previous_address_;
    bool had_previous_address_ = false;
    UniqueFd listen_fd_;
    UniqueFd stop_fd_;  // an eventfd: written once to end the loop
    cgroups::Hierarchy hierarchy_;
    mutable std::mutex mutex_;
    std::vector<Call> calls_;
    std::string next_result_ = "done";
    std::string next_refusal_;
    std::map<std::string, std::string> units_;  // unit → cgroup
    uint32_t jobs_ = 0;
    std::thread thread_;
};

}  // namespace ocirt::test
