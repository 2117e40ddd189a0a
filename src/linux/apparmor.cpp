#include "linux/apparmor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// The two writes libapparmor's aa_change_onexec makes, by hand: libapparmor is not worth a library for them.
void set_apparmor_exec_profile(const std::string& profile, const std::string& attr_dir) {
    std::string path = attr_dir + "/apparmor/exec";
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd && errno == ENOENT) {
        path = attr_dir + "/exec";
        fd.reset(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    }
    if (!fd) throw SysError("AppArmor profile " + quoted(profile) + ": open " + quoted(path));
    std::string command = "exec " + profile;
    if (::write(fd.get(), command.data(), command.size()) != static_cast<ssize_t>(command.size()))
        throw SysError("AppArmor profile " + quoted(profile) + ": write " + quoted(path));
}

}  // namespace ocirt::linux_
