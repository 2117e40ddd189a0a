#pragma once
// CVE-2025-52881: the runtime's writes into /proc (oom_score_adj, sysctls, AppArmor attributes, time offsets)
// must reach procfs itself, not a file that a bind mount, a fake /proc or a shared mount put in its place.
// Each write goes through a procfs root of our own, resolved without symlink jumps or mount crossings.
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::linux_ {

// The root of a procfs instance no mount can cover: a fresh one (fsopen(2) "proc", fsmount(2)), or a
// non-recursive clone of /proc (open_tree(2), which leaves out the mounts on top of it), or /proc itself;
// always checked to be a procfs root (statfs(2) PROC_SUPER_MAGIC, the root inode).
UniqueFd open_procfs_root();

// `relative` ("self/oom_score_adj", "sys/net/core/somaxconn") opened under a procfs root from
// open_procfs_root(); openat2(2) RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS, and the result checked to be on procfs.
UniqueFd open_proc_file(const std::string& relative, int flags);

// open_proc_file(relative, O_WRONLY) and one write(2) of `text`; `what` names it in errors.
void write_proc_file_safely(const std::string& relative, const std::string& text, const std::string& what);

}  // namespace ocirt::linux_
