#pragma once
// Writes one kernel parameter under /proc/sys (proc(5) "/proc/sys").
#include <string>

namespace ocirt::linux_ {

// `path` is relative to /proc/sys ("net/ipv4/ip_forward"); `key` names it in messages.
void write_sysctl(const std::string& key, const std::string& path, const std::string& value);

}  // namespace ocirt::linux_
