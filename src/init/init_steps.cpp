#include "init/init_steps.hpp"

#include <sys/stat.h>

#include "init/cgroup_entry.hpp"
#include "init/console.hpp"
#include "init/finish_process.hpp"
#include "init/hook_steps.hpp"
#include "init/kernel_settings.hpp"
#include "init/process_env.hpp"
#include "init/process_setup.hpp"
#include "init/rootfs.hpp"

namespace ocirt::init {
namespace {

void build_filesystem(const InitContext& ctx) {
    ::umask(0);
    UniqueFd root = prepare_root(ctx);
    mount_all(ctx, root.get());
    enter_cgroup(ctx);
    setup_dev(ctx, root.get());
    setup_console(ctx, root.get());
    run_create_hooks(ctx);
    enter_root(ctx, root.get());
    reopen_null_stdio(ctx);
    make_cwd(ctx.plan.process);
    mask_paths(ctx);
    make_paths_readonly(ctx);
    make_root_readonly(ctx);
}

// config-linux.md "Network Devices": the parent moves linux.netDevices into this process's network namespace,
// which exists now that the namespaces are made or joined; before the hostname, the sysctls (a
// net.ipv4.conf.<device> key needs the device), the mounts (sysfs shows the namespace's devices) and the
// createRuntime hooks, which may look at the device.
void await_net_devices(const InitContext& ctx) {
    if (ctx.plan.net_devices.empty()) return;
    ctx.channel.send(sync::Message::plain(sync::MsgType::NetDevicesPlease));
    ctx.channel.expect(sync::MsgType::NetDevicesMoved);
    ctx.step("network devices moved in");
}

}  // namespace

void run_init(const InitContext& ctx) {
    // keyrings(7): before anything else, so that no key the container's setup adds lands in the caller's.
    join_session_keyring(ctx.plan, ctx.channel);
    await_net_devices(ctx);
    set_hostname(ctx);
    apply_sysctls(ctx);
    build_filesystem(ctx);
    apply_personality(ctx);
    // runtime.md "Lifecycle": the user's program runs only once `start` has opened exec.fifo.
    finish_process(ctx, "init", wait_for_start);
}

}  // namespace ocirt::init
