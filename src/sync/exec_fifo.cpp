#include "sync/exec_fifo.hpp"

#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"

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
    std::optional<std::string> text = read_all(fifo_fd);
    if (!text) throw SysError("read exec fifo");
    return std::move(*text);
}

}  // namespace ocirt::sync
