#include "linux/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

void write_sysctl(const std::string& key, const std::string& path, const std::string& value) {
    std::string full = "/proc/sys/" + path;
    UniqueFd fd(::open(full.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw SysError("sysctl " + key + ": open " + quoted(full));
    if (::write(fd.get(), value.data(), value.size()) < 0) throw SysError("sysctl " + key + " = " + quoted(value));
}

}  // namespace ocirt::linux_
