#pragma once
// The container's filesystem, built inside its mount namespace: root propagation, the rootfs bound on
// itself, mounts[] in order, /dev, then pivot_root (or MS_MOVE + chroot), masked and read-only paths.
#include "init/context.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

UniqueFd prepare_root(const InitContext& ctx);  // returns the rootfs (O_PATH) after the bind
void mount_all(const InitContext& ctx, int root_fd);
void setup_dev(const InitContext& ctx, int root_fd);
void enter_root(const InitContext& ctx, int root_fd);
// Standard descriptors on the caller's /dev/null are moved to the container's own.
void reopen_null_stdio(const InitContext& ctx);
void mask_paths(const InitContext& ctx);
void make_paths_readonly(const InitContext& ctx);
void make_root_readonly(const InitContext& ctx);

}  // namespace ocirt::init
