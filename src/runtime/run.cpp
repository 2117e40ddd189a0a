#include "runtime/run.hpp"

#include <filesystem>
#include <optional>
#include <system_error>

#include "runtime/delete.hpp"
#include "runtime/signal_forwarder.hpp"
#include "runtime/start.hpp"
#include "runtime/tty_proxy.hpp"
#include "state/store.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::runtime {

namespace {

namespace fs = std::filesystem;

bool names_a_bundle(const std::string& argument) {
    try {
        state::validate_id(argument);
        return false;
    } catch (const Error&) {
    }
    std::error_code ignored;
    return fs::is_regular_file(fs::path(argument) / "config.json", ignored);
}

// The directory's name, its characters outside the ID's alphabet made '-', with -2, -3, ... added until no
// container under `root` has it.
std::string container_id_for(const std::string& bundle, const std::string& root) {
    fs::path dir = fs::absolute(bundle).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    std::string name = dir.filename().string();
    for (char& c : name)
        if (!state::id_character_allowed(c)) c = '-';
    if (name.empty() || name == "." || name == "..") name = "container";
    state::Store store(root);
    std::string id = name;
    for (int n = 2; store.exists(id); ++n) id = name + "-" + std::to_string(n);
    return id;
}

}  // namespace

bool take_bundle_argument(CreateRequest& request) {
    if (!names_a_bundle(request.id)) return false;
    request.bundle = request.id;
    request.id = container_id_for(request.bundle, request.root);
    log::debug("run: " + ocirt::quoted(request.bundle) + " is a bundle; container ID " + ocirt::quoted(request.id));
    return true;
}

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
