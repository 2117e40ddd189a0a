#pragma once
// The config.json `spec` writes: runc's default (busybox-friendly: `sh` on a terminal), ociVersion 1.3.0.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>

namespace ocirt::runtime {

// With `rootless`: a user namespace mapping only `uid`/`gid` to root, no network namespace, /sys bound
// from the host, devpts without gid=5, no device cgroup rules (what runc's `spec --rootless` changes), and
// no cgroup mount (runc keeps it; the kernel refuses it without a cgroup namespace of the user namespace).
nlohmann::ordered_json default_spec(bool rootless, uid_t uid, gid_t gid);

// Writes <bundle>/config.json with tab indentation as runc; refuses to replace an existing file.
void write_default_spec(const std::string& bundle, bool rootless);

}  // namespace ocirt::runtime
