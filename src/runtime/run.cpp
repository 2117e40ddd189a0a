#include "runtime/run.hpp"

#include "runtime/delete.hpp"
#include "runtime/signal_forwarder.hpp"
#include "runtime/start.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::runtime {

int run_container(const RunRequest& request) {
    linux_::ChildProcess init = create_container(request.create);
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
    try {
        start_container(request.create.root, request.create.id);
    } catch (...) {
        init.kill_and_reap();
        throw;
    }
    linux_::ExitStatus status = forwarder.wait(init);
    sync::log_step("parent", "init exited: " + status.describe());
    return status.shell_code();
}

}  // namespace ocirt::runtime
