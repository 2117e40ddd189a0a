#pragma once
// The default devices every container gets (runtime-spec config-linux.md "Default Devices") and the
// /dev symlinks a process expects (fd, stdin, stdout, stderr, ptmx).
namespace ocirt::linux_ {

// `root_fd` is the container's root before pivot_root; /dev inside it must exist.
void create_default_devices(int root_fd);
void create_default_dev_links(int root_fd);

}  // namespace ocirt::linux_
