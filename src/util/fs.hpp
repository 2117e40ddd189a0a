#pragma once
// Whole files in and out: every fd opened O_CLOEXEC, EINTR retried, errors name the file.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace ocirt {

// What is left to read on `fd`, up to end of file (a non-blocking fd is waited for with poll(2)); nullopt with
// errno set when a read fails.
std::optional<std::string> read_all(int fd);
// The file at `path`; throws SysError naming it.
std::string read_file(const std::string& path);
// The file at `path`, or nullopt (errno set) when it cannot be opened or read: a file that may be gone.
std::optional<std::string> try_read_file(const std::string& path);

// write(2) until all of `data` is written; false with errno set when a write fails.
bool write_all(int fd, std::string_view data);
// Replaces `name` (relative to `dir_fd`; a path with AT_FDCWD) with `data` in mode `mode`: written to a
// temporary file beside it, then rename(2)d over it, so a reader or a writer killed halfway never leaves half a
// file (rename(2) is atomic). No fsync(2). `dir` names the directory in errors ("" when `name` is a path).
void write_atomic(int dir_fd, const std::string& dir, const std::string& name, std::string_view data, mode_t mode);

}  // namespace ocirt
