#include "cgroups/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::cgroups {
namespace {

std::optional<std::string> read_all(const std::string& path, int& err) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        err = errno;
        return std::nullopt;
    }
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            err = errno;
            return std::nullopt;
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    return text;
}

}  // namespace

std::string read_text(const std::string& path) {
    int err = 0;
    auto text = read_all(path, err);
    if (!text) throw SysError("read " + quoted(path), err);
    return *text;
}

std::optional<std::string> try_read_text(const std::string& path) {
    int err = 0;
    return read_all(path, err);
}

void write_text(const std::string& path, const std::string& text) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw SysError("open " + quoted(path));
    ssize_t n;
    do {
        n = ::write(fd.get(), text.data(), text.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) throw SysError("write " + quoted(trimmed(text)) + " to " + quoted(path));
}

std::string trimmed(const std::string& text) {
    const char* ws = " \t\n\r";
    auto first = text.find_first_not_of(ws);
    if (first == std::string::npos) return {};
    auto last = text.find_last_not_of(ws);
    return text.substr(first, last - first + 1);
}

}  // namespace ocirt::cgroups
