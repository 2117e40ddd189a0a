#include "linux/exec.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "util/error.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::linux_ {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool is_executable_file(const std::string& path, int* err) {
    struct stat st {};
    if (::stat(path.c_str(), &st) < 0) {
        *err = errno;
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = EACCES;
        return false;
    }
    if (::access(path.c_str(), X_OK) < 0) {
        *err = errno;
        return false;
    }
    return true;
}

void mark_cloexec_listed_in_proc(int first) {
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) throw SysError("open /proc/self/fd");
    ScopeExit close_dir([dir] { ::closedir(dir); });
    while (const dirent* entry = ::readdir(dir)) {
        int fd = std::atoi(entry->d_name);
        if (fd < first || entry->d_name[0] == '.') continue;
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

}  // namespace

std::string find_executable(const std::string& name, const std::vector<std::string>& env) {
    int err = ENOENT;
    if (name.find('/') != std::string::npos) {
        if (!is_executable_file(name, &err)) throw SysError("exec " + quoted(name), err);
        return name;
    }
    std::string path_var = kDefaultPath;
    for (const auto& entry : env)
        if (entry.rfind("PATH=", 0) == 0) path_var = entry.substr(5);
    size_t i = 0;
    bool denied = false;
    while (i <= path_var.size()) {
        size_t j = path_var.find(':', i);
        if (j == std::string::npos) j = path_var.size();
        std::string dir = j > i ? path_var.substr(i, j - i) : ".";
        std::string candidate = dir + "/" + name;
        if (is_executable_file(candidate, &err)) return candidate;
        denied = denied || err == EACCES;
        i = j + 1;
    }
    throw Error("exec " + quoted(name) + ": " + (denied ? "permission denied" : "executable file not found in $PATH"));
}

void close_fds_on_exec(int preserve_fds) {
    unsigned first = 3u + static_cast<unsigned>(preserve_fds);
    for (int fd = 3; fd < static_cast<int>(first); ++fd) {
        int flags = ::fcntl(fd, F_GETFD);
        if (flags >= 0) ::fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC);
    }
    if (::close_range(first, ~0u, CLOSE_RANGE_CLOEXEC) == 0) return;
    // A seccomp profile older than close_range(2) refuses it (EPERM or ENOSYS), as runtime-tools' default does.
    if (errno != EPERM && errno != ENOSYS) throw SysError("close_range");
    mark_cloexec_listed_in_proc(static_cast<int>(first));
}

void exec_program(const std::string& path, const std::vector<std::string>& args, const std::vector<std::string>& env) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ::execve(path.c_str(), argv.data(), envp.data());
    throw SysError("exec " + quoted(args.empty() ? path : args[0]));
}

}  // namespace ocirt::linux_
