#include "init/process_env.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "linux/keyring.hpp"
#include "linux/resolve.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {
namespace {

constexpr size_t kMaxPasswdSize = 16 << 20;

// The whole of /etc/passwd when it is a regular file; "" otherwise (a FIFO there must not block the init).
std::string read_passwd() {
    UniqueFd fd(::open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode)) return {};
    std::string text;
    char buf[8192];
    while (text.size() < kMaxPasswdSize) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<size_t>(n));
    }
    return text;
}

bool has_home(const std::vector<std::string>& env) {
    return std::any_of(env.begin(), env.end(), [](const std::string& e) { return e.starts_with("HOME=") && e.size() > 5; });
}

}  // namespace

std::optional<std::string> passwd_home(std::string_view passwd, uid_t uid) {
    while (!passwd.empty()) {
        size_t end = passwd.find('\n');
        std::string_view line = passwd.substr(0, end);
        passwd = end == std::string_view::npos ? std::string_view() : passwd.substr(end + 1);
        // name:password:UID:GID:GECOS:directory:shell
        std::string_view fields[7];
        size_t count = 0;
        while (count < 7) {
            size_t colon = line.find(':');
            fields[count++] = line.substr(0, colon);
            if (colon == std::string_view::npos) break;
            line = line.substr(colon + 1);
        }
        if (count < 6) continue;
        uid_t value = 0;
        auto [ptr, ec] = std::from_chars(fields[2].data(), fields[2].data() + fields[2].size(), value);
        if (ec != std::errc() || ptr != fields[2].data() + fields[2].size() || fields[2].empty() || value != uid) continue;
        return std::string(fields[5]);
    }
    return std::nullopt;
}

std::vector<std::string> process_environment(const plan::ProcessPlan& process) {
    std::vector<std::string> env = process.env;
    if (!has_home(env)) {
        std::erase_if(env, [](const std::string& e) { return e == "HOME="; });
        env.push_back("HOME=" + passwd_home(read_passwd(), process.uid).value_or("/"));
    }
    if (process.listen_pid_self) {
        std::erase_if(env, [](const std::string& e) { return e.starts_with("LISTEN_PID="); });
        env.push_back("LISTEN_PID=" + std::to_string(::getpid()));
    }
    return env;
}

void join_session_keyring(const plan::InitPlan& plan, const sync::Channel& channel) {
    if (!plan.session_keyring) return;
    const auto& keyring = *plan.session_keyring;
    auto serial = linux_::join_session_keyring(keyring.name);
    if (!serial) {
        channel.log(log::Level::warning, "keyctl: this kernel has no keyrings (ENOSYS): the process keeps the caller's session keyring");
        return;
    }
    if (keyring.add_permissions) linux_::add_keyring_permissions(*serial, keyring.add_permissions);
}

void make_cwd(const plan::ProcessPlan& process) {
    UniqueFd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("open \"/\"");
    with_context("process.cwd " + quoted(process.cwd), [&] { linux_::make_in_root(root.get(), process.cwd, false, 0755); });
}

}  // namespace ocirt::init
