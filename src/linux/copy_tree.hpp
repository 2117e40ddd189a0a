#pragma once
// Copies a directory's contents into another directory, both given as fds: the "tmpcopyup" mount option
// (a runc extension) fills a new tmpfs with what the directory it covers held.
#include <string>

namespace ocirt::linux_ {

// Copies every entry below `from_dir` into `to_dir` (both O_RDONLY | O_DIRECTORY fds): directories,
// regular files, symlinks, device nodes, fifos and sockets, with their mode, owner and times; then gives
// `to_dir` the owner and mode of `from_dir` (runc does the same to a tmpfs over a directory). Never
// follows a symlink. Throws SysError naming the entry that failed, as a path below `shown_dir`.
void copy_tree(int from_dir, int to_dir, const std::string& shown_dir);

}  // namespace ocirt::linux_
