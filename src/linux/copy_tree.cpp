#include "linux/copy_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {
namespace {

UniqueFd open_at(int dir, const std::string& name, int flags, const std::string& shown) {
    // New files start owner-only; copy_attributes gives them their mode once their content is in.
    int fd = ::openat(dir, name.c_str(), flags | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) throw SysError("copy " + quoted(shown) + ": open");
    return UniqueFd(fd);
}

std::vector<std::string> entries_of(int dir, const std::string& shown) {
    // fdopendir(3) takes over the fd it is given, so it gets its own duplicate.
    int own = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
    if (own < 0) throw SysError("copy " + quoted(shown) + ": dup");
    DIR* stream = ::fdopendir(own);
    if (!stream) {
        ::close(own);
        throw SysError("copy " + quoted(shown) + ": read the directory");
    }
    ::rewinddir(stream);
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(stream)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(stream);
    return names;
}

void copy_data(int from, int to, off_t size, const std::string& shown) {
    off_t offset = 0;
    while (offset < size) {
        ssize_t n = ::sendfile(to, from, &offset, static_cast<size_t>(size - offset));
        if (n < 0) throw SysError("copy " + quoted(shown) + ": sendfile");
        if (n == 0) break;  // the file shrank meanwhile
    }
}

// Owner, then mode (chown(2) clears set-user-ID and set-group-ID bits), then times, of `name` in `dir`.
void copy_attributes(int dir, const std::string& name, const struct stat& st, const std::string& shown) {
    if (::fchownat(dir, name.c_str(), st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        throw SysError("copy " + quoted(shown) + ": chown");
    // Symlinks have no mode of their own (symlink(7)), and fchmodat cannot skip following them.
    if (!S_ISLNK(st.st_mode) && ::fchmodat(dir, name.c_str(), st.st_mode & 07777, 0) < 0)
        throw SysError("copy " + quoted(shown) + ": chmod");
    const timespec times[2] = {st.st_atim, st.st_mtim};
    if (::utimensat(dir, name.c_str(), times, AT_SYMLINK_NOFOLLOW) < 0)
        throw SysError("copy " + quoted(shown) + ": set times");
}

void copy_entries(int from_dir, int to_dir, const std::string& shown_dir) {
    for (const auto& name : entries_of(from_dir, shown_dir)) {
        std::string shown = shown_dir + "/" + name;
        struct stat st {};
        if (::fstatat(from_dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) throw SysError("copy " + quoted(shown) + ": stat");
        if (S_ISDIR(st.st_mode)) {
            if (::mkdirat(to_dir, name.c_str(), 0700) < 0) throw SysError("copy " + quoted(shown) + ": mkdir");
            UniqueFd from = open_at(from_dir, name, O_RDONLY | O_DIRECTORY, shown);
            UniqueFd to = open_at(to_dir, name, O_RDONLY | O_DIRECTORY, shown);
            copy_entries(from.get(), to.get(), shown);
        } else if (S_ISREG(st.st_mode)) {
            UniqueFd from = open_at(from_dir, name, O_RDONLY, shown);
            UniqueFd to = open_at(to_dir, name, O_WRONLY | O_CREAT | O_EXCL, shown);
            copy_data(from.get(), to.get(), st.st_size, shown);
        } else if (S_ISLNK(st.st_mode)) {
            std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
            ssize_t n = ::readlinkat(from_dir, name.c_str(), target.data(), target.size());
            if (n < 0) throw SysError("copy " + quoted(shown) + ": readlink");
            target.resize(static_cast<size_t>(n));
            if (::symlinkat(target.c_str(), to_dir, name.c_str()) < 0) throw SysError("copy " + quoted(shown) + ": symlink");
        } else if (::mknodat(to_dir, name.c_str(), st.st_mode, st.st_rdev) < 0) {
            throw SysError("copy " + quoted(shown) + ": mknod");
        }
        copy_attributes(to_dir, name, st, shown);
    }
}

}  // namespace

void copy_tree(int from_dir, int to_dir, const std::string& shown_dir) {
    copy_entries(from_dir, to_dir, shown_dir == "/" ? "" : shown_dir);
    struct stat st {};
    if (::fstat(from_dir, &st) < 0) throw SysError("copy " + quoted(shown_dir) + ": stat");
    if (::fchown(to_dir, st.st_uid, st.st_gid) < 0) throw SysError("copy " + quoted(shown_dir) + ": chown");
    if (::fchmod(to_dir, st.st_mode & 07777) < 0) throw SysError("copy " + quoted(shown_dir) + ": chmod");
}

}  // namespace ocirt::linux_
