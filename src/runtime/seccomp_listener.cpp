#include "runtime/seccomp_listener.hpp"

#include "linux/unix_socket.hpp"
#include "config/version.hpp"
#include "sync/await_child.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {

nlohmann::json container_process_state(const plan::SeccompListener& listener, pid_t pid) {
    nlohmann::json state = {{"ociVersion", listener.oci_version}, {"id", listener.id}, {"status", "creating"},
                            {"pid", pid},                         {"bundle", listener.bundle}};
    if (!listener.annotations.empty()) state["annotations"] = listener.annotations;
    nlohmann::json process_state = {{"ociVersion", config::kOciVersion}, {"fds", {"seccompFd"}}, {"pid", pid}, {"state", state}};
    if (listener.metadata) process_state["metadata"] = *listener.metadata;
    return process_state;
}

void send_to_seccomp_listener(const plan::SeccompListener& listener, int notify_fd, const nlohmann::json& state) {
    with_context("seccomp listener " + quoted(listener.path), [&] {
        UniqueFd socket = linux_::connect_unix_stream(listener.path);
        // config-linux.md "listenerPath": the fds go with the first sendmsg(2) only.
        linux_::send_all_with_fd(socket.get(), state.dump(), notify_fd);
    });
}

void forward_seccomp_fd(const sync::Channel& channel, linux_::ChildProcess& init, const plan::InitPlan& plan) {
    if (!plan.seccomp || !plan.seccomp->listener) return;
    sync::Message message = sync::await_from_child(channel, init, sync::MsgType::SeccompFd);
    if (message.fds.size() != 1) throw Error("SeccompFd came with " + std::to_string(message.fds.size()) + " fds, expected 1");
    const auto& listener = *plan.seccomp->listener;
    send_to_seccomp_listener(listener, message.fds[0].get(), container_process_state(listener, init.pid()));
    sync::log_step("parent", "seccomp fd sent to " + listener.path);
}

}  // namespace ocirt::runtime
