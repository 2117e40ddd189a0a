#pragma once
// config::Process → ProcessPlan: what a process in the container gets (args, env, cwd, user, umask,
// rlimits, oom_score_adj, capabilities, noNewPrivileges, scheduler, ioPriority, execCPUAffinity).
// `ocirt create` plans the init's process with it, `ocirt exec` a process.json.
#include <string>

#include "plan/init_plan.hpp"

namespace ocirt::plan {

// `base` is the JSON pointer of the process object in its file: "/process" in config.json, "" in an
// exec process.json. Throws Error naming the pointer for what cannot be planned on this host.
// `unknown_capability_is_error`: see plan_capabilities.
ProcessPlan plan_process(const config::Process& process, const SecurityFacts& host, const std::string& base = "/process",
                         bool unknown_capability_is_error = true);

// CPU numbers of process.execCPUAffinity, in plan/id_list.hpp's format: "0-3,7" → {0, 1, 2, 3, 7}; throws
// Error naming `pointer`.
std::vector<int> parse_cpu_list(const std::string& text, const std::string& pointer);

}  // namespace ocirt::plan
