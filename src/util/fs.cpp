#include "util/fs.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/scope_exit.hpp"
#include "util/unique_fd.hpp"

namespace ocirt {
namespace {

// Fills `out`; false with errno set on a failed read(2).
bool append_until_eof(int fd, std::string& out) {
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n == 0) return true;
        if (errno == EINTR) continue;
        if (errno != EAGAIN) return false;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0 && errno != EINTR) return false;
    }
}

}  // namespace

std::string read_all(int fd, const std::string& name) {
    std::string text;
    if (!append_until_eof(fd, text)) throw SysError("read " + name);
    return text;
}

std::string read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw SysError("open " + quoted(path));
    return read_all(fd.get(), quoted(path));
}

std::optional<std::string> try_read_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    std::string text;
    if (!fd || !append_until_eof(fd.get(), text)) return std::nullopt;
    return text;
}

void write_all(int fd, std::string_view data, const std::string& name) {
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("write " + name);
        }
        done += static_cast<size_t>(n);
    }
}

void write_atomic(int dir_fd, const std::string& dir, const std::string& name, std::string_view data, mode_t mode) {
    std::string shown = dir.empty() ? name : dir + "/" + name;
    std::string tmp_name = name + ".tmp-" + std::to_string(::getpid());
    std::string tmp_shown = shown + ".tmp-" + std::to_string(::getpid());
    UniqueFd fd(::openat(dir_fd, tmp_name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) throw SysError("create " + quoted(tmp_shown));
    ScopeExit unlink_tmp([&] { ::unlinkat(dir_fd, tmp_name.c_str(), 0); });
    write_all(fd.get(), data, quoted(tmp_shown));
    fd.reset();
    if (::renameat(dir_fd, tmp_name.c_str(), dir_fd, name.c_str()) != 0)
        throw SysError("rename " + quoted(tmp_shown) + " to " + quoted(shown));
    unlink_tmp.dismiss();
}

}  // namespace ocirt
