#pragma once
// What the runtime fills into a container process's environment and session once it is inside the
// container's root: HOME from the container's /etc/passwd, LISTEN_PID, the session keyring.
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "init/context.hpp"
#include "plan/init_plan.hpp"

namespace ocirt::init {

// passwd(5): the home directory of the first entry with this uid; nullopt when none (or malformed).
std::optional<std::string> passwd_home(std::string_view passwd, uid_t uid);

// process.env, plus HOME when it has none (or only an empty one): the home of the process's uid in the
// /etc/passwd of the root the caller is in (after pivot_root or chroot), else "/", as runc does. With
// listen_pid_self, LISTEN_PID is the caller's own pid.
std::vector<std::string> process_environment(const plan::ProcessPlan& process);

// Joins plan.session_keyring, adding its permissions; nothing without one. ENOSYS (no keyrings in this
// kernel) is a warning on the channel, as runc and crun treat it.
void join_session_keyring(const plan::InitPlan& plan, const sync::Channel& channel);

// config.md process.cwd: made (mkdir -p, 0755, owned by the container's root) when missing, inside the root
// the caller is in, as runc does for the init.
void make_cwd(const plan::ProcessPlan& process);

}  // namespace ocirt::init
