#pragma once
// The last steps before the user's program runs: find it on the container's PATH (execvp(3)
// semantics), mark every fd above the preserved ones close-on-exec (close_range(2)), execve(2).
#include <string>
#include <vector>

namespace ocirt::linux_ {

// args[0] as execvp would find it, with PATH taken from `env` (the container's environment).
std::string find_executable(const std::string& name, const std::vector<std::string>& env);
void close_fds_on_exec(int preserve_fds);
[[noreturn]] void exec_program(const std::string& path, const std::vector<std::string>& args,
                               const std::vector<std::string>& env);

}  // namespace ocirt::linux_
