#include "linux/apparmor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "linux/procfs.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

namespace {

UniqueFd open_attr(const std::string& attr_dir, const std::string& name) {
    // CVE-2025-52881: the real attribute files are reached through a procfs root of our own.
    if (attr_dir == kProcAttrDir) {
        try {
            return open_proc_file("thread-self/attr/" + name, O_WRONLY);
        } catch (const Error& e) {
            errno = e.errno_value();
            return {};
        }
    }
    return UniqueFd(::open((attr_dir + "/" + name).c_str(), O_WRONLY | O_CLOEXEC));
}

}  // namespace

// The two writes libapparmor's aa_change_onexec makes, by hand: libapparmor is not worth a library for them.
void set_apparmor_exec_profile(const std::string& profile, const std::string& attr_dir) {
    std::string path = attr_dir + "/apparmor/exec";
    UniqueFd fd = open_attr(attr_dir, "apparmor/exec");
    if (!fd && errno == ENOENT) {
        path = attr_dir + "/exec";
        fd = open_attr(attr_dir, "exec");
    }
    if (!fd) throw SysError("AppArmor profile " + quoted(profile) + ": open " + quoted(path));
    std::string command = "exec " + profile;
    if (::write(fd.get(), command.data(), command.size()) != static_cast<ssize_t>(command.size()))
        throw SysError("AppArmor profile " + quoted(profile) + ": write " + quoted(path));
}

}  // namespace ocirt::linux_
