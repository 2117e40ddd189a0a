#include "runtime/seccomp_listener.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "sync/await_child.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

constexpr const char* kRuntimeSpecVersion = "1.2.0";

UniqueFd connect_unix(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // unix(7): sun_path holds at most 107 bytes and a terminating null.
    if (path.size() >= sizeof address.sun_path) throw Error("socket path is longer than " + std::to_string(sizeof address.sun_path - 1) + " bytes");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw SysError("socket");
    UniqueFd socket(fd);
    int rc;
    do rc = ::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) throw SysError("connect");
    return socket;
}

void send_all(int socket, const std::string& text, int fd) {
    size_t sent = 0;
    while (sent < text.size()) {
        iovec iov{const_cast<char*>(text.data()) + sent, text.size() - sent};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        // config-linux.md: with several sendmsg(2) calls, the fds go with the first one only.
        if (sent == 0) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
            cmsg->cmsg_level = SOL_SOCKET;
            cmsg->cmsg_type = SCM_RIGHTS;
            cmsg->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
        }
        ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("send the container process state");
        sent += static_cast<size_t>(n);
    }
}

}  // namespace

nlohmann::json container_process_state(const plan::SeccompListener& listener, pid_t pid) {
    nlohmann::json state = {{"ociVersion", listener.oci_version}, {"id", listener.id}, {"status", "creating"},
                            {"pid", pid},                         {"bundle", listener.bundle}};
    if (!listener.annotations.empty()) state["annotations"] = listener.annotations;
    nlohmann::json process_state = {{"ociVersion", kRuntimeSpecVersion}, {"fds", {"seccompFd"}}, {"pid", pid}, {"state", state}};
    if (listener.metadata) process_state["metadata"] = *listener.metadata;
    return process_state;
}

void send_to_seccomp_listener(const plan::SeccompListener& listener, int notify_fd, const nlohmann::json& state) {
    with_context("seccomp listener " + quoted(listener.path), [&] {
        UniqueFd socket = connect_unix(listener.path);
        send_all(socket.get(), state.dump(), notify_fd);
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
