#include "runtime/run.hpp"

#include <optional>

#include "runtime/delete.hpp"
#include "runtime/signal_forwarder.hpp"
#include "runtime/start.hpp"
#include "runtime/tty_proxy.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::runtime {

int run_container(const RunRequest& request) {
    std::optional<TtyProxy> proxy;
    CreateRequest create = request.create;
    if (!request.detach && create.console_socket.empty()) create.tty_proxy = &proxy.emplace();
    linux_::ChildProcess init = create_container(create);
    if (proxy) proxy->close_child_end();
    if (request.detach) {
        start_container(request.create.root, request.create.id);
        init.release();
        return 0;
    }
    SignalForwarder forwarder;

    ScopeExit remove([&] {
        if (request.keep) return;
        try {
            delete_container({request.create.root, request.create.id, /*force=*/true});
        } catch (const Error& e) {
            log::warn("remove container " + ocirt::quoted(request.create.id) + ": " + e.full());
        }
    });
    bool proxied = proxy && proxy->used();
    try {
        if (proxied) proxy->receive_master();
        start_container(request.create.root, request.create.id);
    } catch (...) {
        init.kill_and_reap();
        throw;
    }
    linux_::ExitStatus status = proxied ? proxy->run(init, forwarder) : forwarder.wait(init);
    sync::log_step("parent", "init exited: " + status.describe());
    return status.shell_code();
}

}  // namespace ocirt::runtime
