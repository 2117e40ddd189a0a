#pragma once
// Joining namespaces by path (setns(2)) and creating them (unshare(2)).
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

UniqueFd open_namespace(const std::string& type, const std::string& path);
void join_namespace(int ns_fd, int clone_flag, const std::string& type, const std::string& path);
void unshare_namespaces(int clone_flags);
std::string clone_flag_names(int clone_flags);  // "mount|uts|pid"

}  // namespace ocirt::linux_
