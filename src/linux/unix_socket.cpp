#include "linux/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace ocirt::linux_ {

UniqueFd connect_unix_stream(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    // unix(7): sun_path holds at most 107 bytes and a terminating null.
    if (path.size() >= sizeof address.sun_path)
        throw Error("socket path is longer than " + std::to_string(sizeof address.sun_path - 1) + " bytes");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    UniqueFd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket) throw SysError("socket");
    int rc;
    do rc = ::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) throw SysError("connect");
    return socket;
}

size_t send_with_fd(int socket_fd, std::string_view payload, int fd) {
    if (payload.empty()) payload = "/";
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof fd);
    ssize_t n;
    do n = ::sendmsg(socket_fd, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError("sendmsg");
    return static_cast<size_t>(n);
}

void send_all_with_fd(int socket_fd, std::string_view payload, int fd) {
    size_t sent = send_with_fd(socket_fd, payload, fd);
    while (sent < payload.size()) {
        ssize_t n = ::send(socket_fd, payload.data() + sent, payload.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("send");
        sent += static_cast<size_t>(n);
    }
}

ReceivedMessage receive_message(int socket_fd, std::span<char> buffer) {
    iovec iov{buffer.data(), buffer.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do n = ::recvmsg(socket_fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError("recvmsg");
    ReceivedMessage received;
    received.size = static_cast<size_t>(n);
    received.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
    if (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
        int fd;
        std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
        received.fd = UniqueFd(fd);
    }
    return received;
}

UniqueFd receive_fd(int socket_fd, std::string* payload) {
    char buffer[4096];
    ReceivedMessage received = receive_message(socket_fd, buffer);
    if (received.size == 0 || !received.fd) throw Error("no fd came with the message");
    if (payload) payload->assign(buffer, received.size);
    return std::move(received.fd);
}

}  // namespace ocirt::linux_
