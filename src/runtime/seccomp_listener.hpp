#pragma once
// The parent's part of a seccomp listener (config-linux.md "Seccomp", listenerPath): the init's notify
// fd goes to the agent's unix socket with the container process state, then our copy is closed.
#include <sys/types.h>

#include <nlohmann/json.hpp>

#include "linux/child_process.hpp"
#include "plan/init_plan.hpp"
#include "sync/channel.hpp"

namespace ocirt::runtime {

// The container process state for `pid` (config-linux.md "The Container Process State").
nlohmann::json container_process_state(const plan::SeccompListener& listener, pid_t pid);

// Connects to listener.path and sends `state` with notify_fd by SCM_RIGHTS; throws Error on any failure.
void send_to_seccomp_listener(const plan::SeccompListener& listener, int notify_fd, const nlohmann::json& state);

// When the plan has a listener: waits for SeccompFd from the init and sends the fd to the listener.
void forward_seccomp_fd(const sync::Channel& channel, linux_::ChildProcess& init, const plan::InitPlan& plan);

}  // namespace ocirt::runtime
