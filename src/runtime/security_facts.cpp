#include "runtime/security_facts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

bool file_starts_with_y(const char* path) {
    UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
    char c = 0;
    return fd && ::read(fd.get(), &c, 1) == 1 && c == 'Y';
}

}  // namespace

plan::SecurityFacts read_security_facts() {
    plan::SecurityFacts facts;
    // The AppArmor module's own switch, which its userspace tools read too.
    facts.apparmor = file_starts_with_y("/sys/module/apparmor/parameters/enabled");
    // is_selinux_enabled(3) looks for selinuxfs; its "enforce" file exists only while it is mounted.
    facts.selinux = ::access("/sys/fs/selinux/enforce", F_OK) == 0;
    // Documentation/arch/x86/resctrl.rst: "info" appears in /sys/fs/resctrl once resctrl is mounted.
    facts.resctrl = ::access("/sys/fs/resctrl/info", F_OK) == 0;
    return facts;
}

}  // namespace ocirt::runtime
