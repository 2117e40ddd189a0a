#pragma once
// AppArmor's change-on-exec (apparmor(7), aa_change_onexec(3)): the profile the next execve(2) enters.
#include <string>

namespace ocirt::linux_ {

// Writes "exec <profile>" to <attr_dir>/apparmor/exec, or to <attr_dir>/exec on kernels before 5.8.
inline constexpr const char* kProcAttrDir = "/proc/thread-self/attr";
void set_apparmor_exec_profile(const std::string& profile, const std::string& attr_dir = kProcAttrDir);

}  // namespace ocirt::linux_
