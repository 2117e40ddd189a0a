#pragma once
// What every init step gets: the plan, the child's end of the sync channel, the fds opened for it.
#include <string>
#include <string_view>
#include <vector>

#include "plan/init_plan.hpp"
#include "sync/channel.hpp"
#include "sync/fault_point.hpp"
#include "sync/step_log.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

struct InitFds {
    int exec_fifo = -1;  // <state dir>/exec.fifo, O_PATH: reopened for writing from /proc/self/fd
    int console_socket = -1;  // connected to --console-socket: receives the pty master
};

struct InitContext {
    const plan::InitPlan& plan;
    const sync::Channel& channel;
    InitFds fds;
    mutable std::string hook_state{};  // the state JSON for createContainer and startContainer hooks
    const std::vector<UniqueFd>* bind_trees = nullptr;  // per plan.mounts index (init/bind_trees.hpp)
    const std::vector<UniqueFd>* device_nodes = nullptr;    // per plan.devices index (init/device_nodes.hpp)
    mutable bool in_cgroup = false;  // CgroupReady received (init/cgroup_entry.hpp)

    void step(std::string_view what) const {
        if (log::debug_enabled()) channel.log(log::Level::debug, sync::step_line("init", what));
        sync::fault_point("init", what);
    }
};

}  // namespace ocirt::init
