#include "linux/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "linux/procfs.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

void write_sysctl(const std::string& key, const std::string& path, const std::string& value) {
    // CVE-2025-52881: through a procfs root of our own, so that no mount redirects the write.
    UniqueFd fd = with_context("sysctl " + key, [&] { return open_proc_file("sys/" + path, O_WRONLY); });
    if (::write(fd.get(), value.data(), value.size()) < 0) throw SysError("sysctl " + key + " = " + quoted(value));
}

}  // namespace ocirt::linux_
