#pragma once
// The process's limits and credentials: setrlimit(2), setgroups(2), setresgid(2), setresuid(2).
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ocirt::linux_ {

void set_rlimit(int resource, const std::string& name, uint64_t soft, uint64_t hard);
// `set_groups` false: no setgroups(2), the supplementary groups stay those the process has.
void set_identity(uid_t uid, gid_t gid, const std::vector<gid_t>& additional_gids, bool set_groups = true);
void set_no_new_privileges();
void set_oom_score_adj(int value);
void reset_signals();  // unblock all and restore default dispositions, as a fresh process expects

}  // namespace ocirt::linux_
