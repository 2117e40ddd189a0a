#include "state/container_errors.hpp"

namespace ocirt::state {

Error no_such_container(const std::string& id, const std::string& root) {
    return Error("container " + ocirt::quoted(id) + " does not exist: no such container in " + root);
}

Error not_running(const std::string& id, const std::string& detail) {
    std::string text = "container " + ocirt::quoted(id) + " has stopped: container not running";
    if (!detail.empty()) text += ": " + detail;
    return Error(text);
}

// strerror(3) says "No such process"; the lower-case form is what runc (Go's syscall.Errno) prints.
std::string no_such_process(const std::string& signal_name, pid_t pid) {
    return "send " + signal_name + " to pid " + std::to_string(pid) + ": no such process";
}

}  // namespace ocirt::state
