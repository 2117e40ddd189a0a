#include "linux/keyring.hpp"

#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <string_view>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

long keyctl(int operation, unsigned long a2, unsigned long a3 = 0, unsigned long a4 = 0) {
    return ::syscall(SYS_keyctl, operation, a2, a3, a4, 0UL);
}

}  // namespace

std::optional<int32_t> join_session_keyring(const std::string& name) {
    long serial = keyctl(KEYCTL_JOIN_SESSION_KEYRING, reinterpret_cast<unsigned long>(name.c_str()));
    if (serial >= 0) return static_cast<int32_t>(serial);
    if (errno == ENOSYS) return std::nullopt;
    std::string what = "join the session keyring " + quoted(name);
    if (errno == EDQUOT) what += " (the keyring owner's key quota, /proc/sys/kernel/keys/maxkeys, is used up; --no-new-keyring keeps the caller's)";
    throw SysError(what);
}

void add_keyring_permissions(int32_t serial, uint32_t bits) {
    // keyctl(2) KEYCTL_DESCRIBE: "type;uid;gid;perm;description", perm as 8 hex digits.
    // A description is at most 4095 bytes (keyctl(2)); the answer holds it, the other fields and a NUL.
    std::string text(4096 + 128, '\0');
    long n = keyctl(KEYCTL_DESCRIBE, static_cast<unsigned long>(serial), reinterpret_cast<unsigned long>(text.data()), text.size());
    if (n < 0) throw SysError("describe the session keyring");
    if (static_cast<size_t>(n) > text.size()) throw Error("session keyring: description too long");
    std::string_view description(text.data(), static_cast<size_t>(n));
    size_t field = 0;
    for (int i = 0; i < 3 && field != std::string_view::npos; ++i) {
        field = description.find(';', field);
        if (field != std::string_view::npos) ++field;
    }
    uint32_t perm = 0;
    if (field == std::string_view::npos ||
        std::from_chars(description.data() + field, description.data() + description.size(), perm, 16).ec != std::errc())
        throw Error("session keyring: unexpected description " + quoted(std::string(description)));
    if (keyctl(KEYCTL_SETPERM, static_cast<unsigned long>(serial), perm | bits) < 0) throw SysError("set the session keyring's permissions");
}

}  // namespace ocirt::linux_
