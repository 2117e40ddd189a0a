#pragma once
// The default devices every container gets (runtime-spec config-linux.md "Default Devices") and the
// /dev symlinks a process expects (fd, stdin, stdout, stderr, ptmx).
#include <sys/types.h>

#include <string>

namespace ocirt::linux_ {

// `root_fd` is the container's root before pivot_root; /dev inside it must exist.
void create_default_devices(int root_fd);
void create_default_dev_links(int root_fd);
// config-linux.md#devices: "If a file already exists at path that does not match the requested device, the
// runtime MUST generate an error." Throws if something other than that node (type and number) is at `path`.
void check_device_path(int root_fd, const std::string& path, mode_t type, dev_t number);
// mknod(2) of `path` inside the root (replacing what is there), then its mode and owner; where mknod is
// not permitted (a user namespace), the host's node at the same path is bound instead.
void make_device(int root_fd, const std::string& path, mode_t type, dev_t number, mode_t mode, uid_t uid, gid_t gid);

}  // namespace ocirt::linux_
