#include "sync/exec_fifo.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"

namespace ocirt::sync {

void write_start_failure(int fifo_fd, const std::string& text) noexcept {
    std::string message = kStartFailed + text;
    size_t done = 0;
    while (done < message.size()) {
        ssize_t n = ::write(fifo_fd, message.data() + done, message.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

std::string read_start_failure(int fifo_fd) {
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fifo_fd, buffer, sizeof buffer);
        if (n > 0) {
            text.append(buffer, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) return text;
        if (errno == EINTR) continue;
        if (errno != EAGAIN) throw SysError("read exec fifo");
        pollfd p{fifo_fd, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR) throw SysError("poll exec fifo");
    }
}

}  // namespace ocirt::sync
