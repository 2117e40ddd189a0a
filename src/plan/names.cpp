#include "plan/names.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <map>

namespace ocirt::plan {

namespace {

const std::map<std::string, int>& namespace_table() {
    static const std::map<std::string, int> table = {
        {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},   {"ipc", CLONE_NEWIPC},
        {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},   {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
    };
    return table;
}

}  // namespace

std::optional<int> namespace_clone_flag(const std::string& type) {
    auto it = namespace_table().find(type);
    if (it == namespace_table().end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> namespace_types() {
    std::vector<std::string> out;
    for (const auto& [type, flag] : namespace_table()) out.push_back(type);
    return out;
}

std::optional<int> rlimit_resource(const std::string& name) {
    static const std::map<std::string, int> table = {
        {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
        {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK},
    };
    auto it = table.find(name);
    if (it == table.end()) return std::nullopt;
    return it->second;
}

}  // namespace ocirt::plan
