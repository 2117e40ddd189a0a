#pragma once
// `start`: release a created container's init (it then execs process.args).
#include <string>

namespace ocirt::runtime {

void start_container(const std::string& root, const std::string& id);

}  // namespace ocirt::runtime
