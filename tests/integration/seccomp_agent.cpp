#include "seccomp_agent.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ocirt::test {

SeccompAgent::SeccompAgent(const std::string& path, int answer_errno) : path_(path), answer_errno_(answer_errno) {
    listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener_, 4) == 0);
    thread_ = std::thread([this] { serve(); });
}

SeccompAgent::~SeccompAgent() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (int fd : notify_fds_) ::close(fd);
    ::close(listener_);
    ::unlink(path_.c_str());
}

void SeccompAgent::finish() {
    finishing_ = true;
    if (thread_.joinable()) thread_.join();
}

std::vector<std::string> SeccompAgent::states() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return states_;
}

std::vector<std::string> SeccompAgent::answered_names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return answered_names_;
}

void SeccompAgent::serve() {
    seccomp_notif* req = nullptr;
    seccomp_notif_resp* resp = nullptr;
    if (seccomp_notify_alloc(&req, &resp) != 0) return;
    while (!stop_) {
        std::vector<pollfd> fds = {{listener_, POLLIN, 0}};
        for (int fd : notify_fds_) fds.push_back({fd, POLLIN, 0});
        bool finishing = finishing_;  // read before poll, so that an idle poll after finish() ends the loop
        if (::poll(fds.data(), fds.size(), 50) <= 0) {
            if (finishing && notify_fds_.empty()) break;
            continue;
        }
        if (fds[0].revents & POLLIN) take_connection();
        for (size_t i = 1; i < fds.size(); ++i) {
            if (fds[i].revents & POLLIN) {
                answer(fds[i].fd, req, resp);
            } else if (fds[i].revents) {  // POLLHUP: no process uses the filter any more
                ::close(fds[i].fd);
                notify_fds_.erase(std::find(notify_fds_.begin(), notify_fds_.end(), fds[i].fd));
            }
        }
    }
    seccomp_notify_free(req, resp);
}

void SeccompAgent::take_connection() {
    int conn = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return;
    std::string text;
    char buffer[8192];
    for (;;) {
        iovec iov{buffer, sizeof buffer};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
        if (n <= 0) break;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                notify_fds_.push_back(fd);
                ++fds_received_;
            }
        }
        text.append(buffer, static_cast<size_t>(n));
    }
    ::close(conn);
    std::lock_guard<std::mutex> lock(mutex_);
    states_.push_back(text);
}

void SeccompAgent::answer(int notify_fd, seccomp_notif* req, seccomp_notif_resp* resp) {
    std::memset(req, 0, sizeof *req);
    if (seccomp_notify_receive(notify_fd, req) != 0) return;
    char* name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        answered_names_.push_back(name ? name : "?");
    }
    free(name);
    std::memset(resp, 0, sizeof *resp);
    resp->id = req->id;
    resp->error = -answer_errno_;
    if (seccomp_notify_respond(notify_fd, resp) == 0) ++answered_;
}

}  // namespace ocirt::test
