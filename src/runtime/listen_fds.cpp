#include "runtime/listen_fds.hpp"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace ocirt::runtime {
namespace {

bool parse_count(const char* text, int& value) {
    if (!text || !*text) return false;
    const char* end = text + std::strlen(text);
    auto [ptr, ec] = std::from_chars(text, end, value);
    return ec == std::errc() && ptr == end && value >= 0;
}

void set_env(std::vector<std::string>& env, std::string_view name, const std::string& value) {
    std::string prefix = std::string(name) + "=";
    std::erase_if(env, [&](const std::string& entry) { return entry.rfind(prefix, 0) == 0; });
    env.push_back(prefix + value);
}

}  // namespace

void pass_listen_fds(plan::InitPlan& plan) {
    int count = 0;
    int listen_pid = 0;
    if (!parse_count(std::getenv("LISTEN_FDS"), count) || count == 0) return;
    // sd_listen_fds(3): the fds are meant for us only when LISTEN_PID names this process.
    if (!parse_count(std::getenv("LISTEN_PID"), listen_pid) || listen_pid != ::getpid()) return;
    set_env(plan.process.env, "LISTEN_FDS", std::to_string(count));
    // LISTEN_PID is set by the init to its own pid as it sees it: 1 in a new PID namespace (what runc
    // writes always), its pid otherwise, which is what sd_listen_fds(3) compares with getpid().
    plan.process.listen_pid_self = true;
    plan.preserve_fds += count;
}

}  // namespace ocirt::runtime
