#pragma once
// The process's session keyring (keyrings(7), session-keyring(7)), through keyctl(2) without libkeyutils.
#include <cstdint>
#include <optional>
#include <string>

namespace ocirt::linux_ {

// KEYCTL_JOIN_SESSION_KEYRING: joins the keyring called `name` when one the caller may search exists,
// else makes it. Returns its serial; nullopt when the kernel has no keyrings (ENOSYS). Throws otherwise
// (EDQUOT when the owner's quota, /proc/sys/kernel/keys/maxkeys or root_maxkeys, is used up).
std::optional<int32_t> join_session_keyring(const std::string& name);
// KEYCTL_DESCRIBE, then KEYCTL_SETPERM with `bits` added to the keyring's permissions.
void add_keyring_permissions(int32_t serial, uint32_t bits);

}  // namespace ocirt::linux_
