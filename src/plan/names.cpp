#include "plan/names.hpp"

#include <sched.h>

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

}  // namespace ocirt::plan
