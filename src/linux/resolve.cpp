#include "linux/resolve.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
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

UniqueFd open_in_root_if_exists(int root_fd, const std::string& path, int flags) {
    int fd = openat2_in_root(root_fd, path, flags);
    if (fd < 0 && errno != ENOENT) throw SysError("open " + quoted(path) + " in the container's root");
    return UniqueFd(fd);
}

// Written by hand (Debian 12 packages no libpathrs): walks `path` one component at a time inside the root,
// creating what is missing; a dangling symlink's target (readlinkat(2)) replaces it in the walk, so what is
// created lands where openat2(2) RESOLVE_IN_ROOT would resolve the link, never outside the root.
UniqueFd make_in_root(int root_fd, const std::string& path, bool as_file, mode_t dir_mode) {
    int fd = openat2_in_root(root_fd, path, O_PATH);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != ENOENT) throw SysError("open " + quoted(path) + " in the container's root");
    auto pending = components(path);
    std::reverse(pending.begin(), pending.end());
    std::string walked;
    UniqueFd parent(openat2_in_root(root_fd, "/", O_PATH | O_DIRECTORY));
    if (!parent) throw SysError("open the container's root");
    int links_followed = 0;
    while (!pending.empty()) {
        std::string name = pending.back();
        pending.pop_back();
        std::string next_path = walked + "/" + name;
        int next = openat2_in_root(root_fd, next_path, O_PATH);
        if (next < 0 && errno == ENOENT) {
            char target[PATH_MAX];
            ssize_t n = ::readlinkat(parent.get(), name.c_str(), target, sizeof target - 1);
            if (n > 0) {
                // path_resolution(7): at most 40 symbolic links are followed in one lookup.
                if (++links_followed > 40) throw SysError("create " + quoted(path) + " in the container's root", ELOOP);
                std::string link(target, static_cast<size_t>(n));
                auto link_parts = components(link);
                pending.insert(pending.end(), link_parts.rbegin(), link_parts.rend());
                if (link[0] == '/') {
                    walked.clear();
                    parent.reset(openat2_in_root(root_fd, "/", O_PATH | O_DIRECTORY));
                    if (!parent) throw SysError("open the container's root");
                }
                continue;
            }
            if (pending.empty() && as_file) {
                int created = ::openat(parent.get(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (created < 0 && errno != EEXIST) throw SysError("create file " + quoted(next_path));
                if (created >= 0) ::close(created);
            } else if (::mkdirat(parent.get(), name.c_str(), dir_mode) < 0 && errno != EEXIST) {
                throw SysError("create directory " + quoted(next_path));
            }
            next = openat2_in_root(root_fd, next_path, O_PATH);
        }
        if (next < 0) throw SysError("open " + quoted(next_path) + " in the container's root");
        parent.reset(next);
        walked = next_path;
    }
    return parent;
}

}  // namespace ocirt::linux_
