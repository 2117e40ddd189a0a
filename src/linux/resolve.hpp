#pragma once
// Paths inside the container's root, resolved by the kernel so that no symlink leads out of it
// (openat2(2) RESOLVE_IN_ROOT).
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// Opens `path` as if `root_fd` were "/"; `flags` as for openat (O_CLOEXEC is added).
UniqueFd open_in_root(int root_fd, const std::string& path, int flags);
// As open_in_root, but an empty UniqueFd when nothing is at `path` (ENOENT).
UniqueFd open_in_root_if_exists(int root_fd, const std::string& path, int flags);
// Opens `path` (O_PATH), first creating what is missing: parent directories, then the last
// component as a directory or, with `as_file`, an empty file.
UniqueFd make_in_root(int root_fd, const std::string& path, bool as_file, mode_t dir_mode = 0755);

}  // namespace ocirt::linux_
