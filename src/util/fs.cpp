#include "util/fs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/scope_exit.hpp"
#include "util/unique_fd.hpp"

namespace ocirt {

std::optional<std::string> read_all(int fd) {
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            text.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) return text;
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return std::nullopt;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR) return std::nullopt;
    }
}

std::string read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw SysError("open " + quoted(path));
    std::optional<std::string> text = read_all(fd.get());
    if (!text) throw SysError("read " + quoted(path));
    return std::move(*text);
}

std::optional<std::string> try_read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    return read_all(fd.get());
}

bool write_all(int fd, std::string_view data) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

void write_atomic(int dir_fd, const std::string& dir, const std::string& name, std::string_view data, mode_t mode) {
    std::string tmp_name = name + ".tmp-" + std::to_string(::getpid());
    // Paths for the errors only; `dir` is empty when `name` is a path.
    auto shown = [&](const std::string& file) { return quoted(dir.empty() ? file : dir + "/" + file); };
    UniqueFd fd(::openat(dir_fd, tmp_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) throw SysError("create " + shown(tmp_name));
    ScopeExit unlink_tmp([&] { ::unlinkat(dir_fd, tmp_name.c_str(), 0); });
    if (!write_all(fd.get(), data)) throw SysError("write " + shown(tmp_name));
    fd.reset();
    if (::renameat(dir_fd, tmp_name.c_str(), dir_fd, name.c_str()) != 0)
        throw SysError("rename " + shown(tmp_name) + " to " + shown(name));
    unlink_tmp.dismiss();
}

}  // namespace ocirt
