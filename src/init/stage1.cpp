#include "init/stage1.hpp"

#include <sched.h>
#include <unistd.h>

#include <vector>

#include "init/child_process.hpp"
#include "init/bind_trees.hpp"
#include "init/device_nodes.hpp"
#include "init/init_steps.hpp"
#include "init/user_namespace.hpp"
#include "linux/namespaces.hpp"
#include "linux/procfs.hpp"
#include "linux/protected_executable.hpp"
#include "util/error.hpp"

namespace ocirt::init {
namespace {

void join_namespaces(const InitContext& ctx) {
    // Every path is opened before the first setns(2): joining a mount namespace changes what paths mean.
    std::vector<UniqueFd> fds;
    for (const auto& join : ctx.plan.joins) fds.push_back(linux_::open_namespace(join.type, join.path));
    for (size_t i = 0; i < ctx.plan.joins.size(); ++i) {
        const auto& join = ctx.plan.joins[i];
        linux_::join_namespace(fds[i].get(), join.clone_flag, join.type, join.path);
        ctx.step("joined " + join.type + " namespace");
    }
}

void write_time_offsets(const InitContext& ctx) {
    if (ctx.plan.time_offsets.empty()) return;
    // time_namespaces(7): offsets are written once, before any process has entered the namespace.
    std::string text;
    for (const auto& o : ctx.plan.time_offsets)
        text += o.clock + " " + std::to_string(o.secs) + " " + std::to_string(o.nanosecs) + "\n";
    // CVE-2025-52881: a joined mount namespace's /proc may be another container's doing.
    linux_::write_proc_file_safely("self/timens_offsets", text, "write time offsets");
}

}  // namespace

void run_child(const plan::InitPlan& plan, const sync::Channel& channel, InitFds fds) {
    InitContext ctx{plan, channel, fds};
    try {
        ctx.step("child started");
        // CVE-2019-5736: a joined PID namespace shows the init to the container before it execs; with a user
        // namespace the /proc/PID files must stay the init's own for the maps and the init's own writes.
        if (!plan.new_user_namespace && ::geteuid() == 0 && !joins_user_namespace(plan)) linux_::make_not_dumpable();
        std::vector<UniqueFd> bind_trees = prepare_bind_trees(plan);
        ctx.bind_trees = &bind_trees;
        std::vector<UniqueFd> device_nodes = prepare_device_nodes(plan);
        ctx.device_nodes = &device_nodes;
        join_namespaces(ctx);
        enter_user_namespace(ctx);
        if (plan.namespaces_at_clone) {
            ctx.step("cloned into new " + linux_::clone_flag_names(plan.unshare_flags));
        } else {
            linux_::unshare_namespaces(plan.unshare_flags);
            ctx.step("unshared " + linux_::clone_flag_names(plan.unshare_flags));
            write_time_offsets(ctx);
            if (plan.second_fork) {
                continue_in_sibling(channel, "the container's init", !plan.net_devices.empty());
                ctx.step("init forked");
            }
        }
        run_init(ctx);
    } catch (...) {
        report_failure_and_exit(channel, "init");
    }
}

}  // namespace ocirt::init
