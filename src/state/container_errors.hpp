#pragma once
// The errors for a container that is not there or no longer runs. Their text carries runc's own words
// for these cases (libcontainer's ErrNotExist "container does not exist", ErrNotRunning "container not
// running"; kill(2)'s ESRCH "no such process"), because clients decide what to do from those words in a
// runtime's stderr and --log error line: containerd's runc shim takes a failed kill or delete with them as
// "already gone", podman and Docker as "no such container". README "Behaviour chosen" lists who reads which.
// Every command builds these errors here, so the words cannot drift apart between commands.
#include <sys/types.h>

#include <string>

#include "util/error.hpp"

namespace ocirt::state {

// `container "ID" does not exist: no such container in ROOT`.
Error no_such_container(const std::string& id, const std::string& root);

// `container "ID" has stopped: container not running`, then `: detail` when given.
Error not_running(const std::string& id, const std::string& detail = {});

// The detail for a signal that found the init gone (pidfd_send_signal(2), kill(2): ESRCH):
// `send SIGNAME to pid N: no such process`.
std::string no_such_process(const std::string& signal_name, pid_t pid);

}  // namespace ocirt::state
