#pragma once
// Unix stream sockets that carry an fd beside their bytes (unix(7) SCM_RIGHTS): the console socket, the
// seccomp listener, the pty master coming back from the init.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// SOCK_STREAM connect(2) to `path`.
UniqueFd connect_unix_stream(const std::string& path);
// One sendmsg(2) of `payload` (at least one byte: a receiver gets no fd without data) with `fd` attached;
// returns how many bytes of `payload` went.
size_t send_with_fd(int socket_fd, std::string_view payload, int fd);
// Every byte of `payload`, `fd` attached to the first sendmsg(2) only.
void send_all_with_fd(int socket_fd, std::string_view payload, int fd);
struct ReceivedMessage {
    size_t size = 0;         // bytes in the buffer; 0 at the end of the stream
    bool truncated = false;  // a datagram longer than the buffer (MSG_TRUNC)
    UniqueFd fd;             // one that came with it (close-on-exec), if any
};
// One recvmsg(2) into `buffer`, taking a descriptor sent with it.
ReceivedMessage receive_message(int socket_fd, std::span<char> buffer);
// One message sent by send_with_fd: its fd (close-on-exec), its bytes in `payload` when given.
UniqueFd receive_fd(int socket_fd, std::string* payload = nullptr);

}  // namespace ocirt::linux_
