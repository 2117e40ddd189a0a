#include "cgroups/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/fs.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::cgroups {

std::string read_text(const std::string& path) { return read_file(path); }

std::optional<std::string> try_read_text(const std::string& path) { return try_read_file(path); }

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
