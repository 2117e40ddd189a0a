#include "linux/resolve.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

int openat2_in_root(int root_fd, const std::string& path, int flags) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    std::string relative = path.empty() || path == "/" ? "." : path;
    int fd;
    do fd = static_cast<int>(::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how));
    while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    return fd;
}

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        if (j > i) parts.push_back(path.substr(i, j - i));
        i = j + 1;
    }
    return parts;
}

}  // namespace

UniqueFd open_in_root(int root_fd, const std::string& path, int flags) {
    int fd = openat2_in_root(root_fd, path, flags);
    if (fd < 0) throw SysError("open " + quoted(path) + " in the container's root");
    return UniqueFd(fd);
}

UniqueFd make_in_root(int root_fd, const std::string& path, bool as_file, mode_t dir_mode) {
    int fd = openat2_in_root(root_fd, path, O_PATH);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != ENOENT) throw SysError("open " + quoted(path) + " in the container's root");
    auto parts = components(path);
    std::string prefix;
    UniqueFd parent(openat2_in_root(root_fd, "/", O_PATH | O_DIRECTORY));
    if (!parent) throw SysError("open the container's root");
    for (size_t i = 0; i < parts.size(); ++i) {
        prefix += "/" + parts[i];
        bool last = i + 1 == parts.size();
        int next = openat2_in_root(root_fd, prefix, O_PATH);
        if (next < 0 && errno == ENOENT) {
            if (last && as_file) {
                int created = ::openat(parent.get(), parts[i].c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (created < 0 && errno != EEXIST) throw SysError("create file " + quoted(prefix));
                if (created >= 0) ::close(created);
            } else if (::mkdirat(parent.get(), parts[i].c_str(), dir_mode) < 0 && errno != EEXIST) {
                throw SysError("create directory " + quoted(prefix));
            }
            next = openat2_in_root(root_fd, prefix, O_PATH);
        }
        if (next < 0) throw SysError("open " + quoted(prefix) + " in the container's root");
        parent.reset(next);
    }
    return parent;
}

}  // namespace ocirt::linux_
