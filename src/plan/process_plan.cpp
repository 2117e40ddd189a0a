#include "plan/process_plan.hpp"

#include <sched.h>

#include "plan/capability_sets.hpp"
#include "util/id_list.hpp"
#include "plan/process_names.hpp"
#include "config/json_pointer.hpp"
#include "config/known_names.hpp"
#include "util/error.hpp"

namespace ocirt::plan {
namespace {

std::vector<Rlimit> plan_rlimits(const std::vector<config::Rlimit>& rlimits, const std::string& base) {
    std::vector<Rlimit> planned;
    for (size_t i = 0; i < rlimits.size(); ++i) {
        const auto& r = rlimits[i];
        std::string pointer = config::pointer_join(base + "/rlimits", i);
        auto resource = config::rlimit_resource(r.type);
        if (!resource) throw ConfigError(pointer + "/type", "unknown rlimit type " + quoted(r.type) + " (see getrlimit(2))");
        planned.push_back({r.type, *resource, r.soft, r.hard, pointer});
    }
    return planned;
}

linux_::Scheduler plan_scheduler(const config::Scheduler& s, const std::string& base) {
    std::string pointer = base + "/scheduler";
    linux_::Scheduler planned;
    auto policy = scheduler_policy(s.policy);
    if (!policy) throw ConfigError(pointer + "/policy", "scheduling policy " + quoted(s.policy) + " is not supported by Linux (sched(7))");
    planned.policy_name = s.policy;
    planned.policy = *policy;
    for (size_t i = 0; i < s.flags.size(); ++i) {
        auto flag = scheduler_flag(s.flags[i]);
        if (!flag) throw ConfigError(config::pointer_join(pointer + "/flags", i), "unknown scheduler flag " + quoted(s.flags[i]));
        planned.flags |= static_cast<uint64_t>(*flag);
    }
    planned.nice = s.nice.value_or(0);
    planned.priority = static_cast<uint32_t>(s.priority.value_or(0));
    planned.runtime = s.runtime.value_or(0);
    planned.deadline = s.deadline.value_or(0);
    planned.period = s.period.value_or(0);
    return planned;
}

linux_::IoPriority plan_io_priority(const config::IoPriority& io, const std::string& base) {
    auto io_class = io_priority_class(io.ioClass);
    if (!io_class) throw ConfigError(base + "/ioPriority/class", "unknown I/O priority class " + quoted(io.ioClass));
    // ioprio_set(2): levels 0 (highest) to 7 within the RT and BE classes.
    if (io.priority < 0 || io.priority > 7)
        throw ConfigError(base + "/ioPriority/priority", "must be between 0 and 7, got " + std::to_string(io.priority));
    return {io.ioClass, *io_class, io.priority};
}

void plan_security_labels(const config::Process& process, const SecurityFacts& host, const std::string& base, ProcessPlan& p) {
    if (process.apparmorProfile && !process.apparmorProfile->empty()) {
        if (!host.apparmor)
            throw ConfigError(base + "/apparmorProfile", "AppArmor is not enabled on this host, so profile " +
                                                              quoted(*process.apparmorProfile) + " cannot be applied");
        p.apparmor_profile = *process.apparmorProfile;
    }
    if (process.selinuxLabel && !process.selinuxLabel->empty()) {
        if (!host.selinux)
            throw ConfigError(base + "/selinuxLabel", "SELinux is not enabled on this host, so label " +
                                                           quoted(*process.selinuxLabel) + " cannot be applied");
        throw ConfigError(base + "/selinuxLabel", "applying an SELinux label is not supported by ocirt yet");
    }
}

}  // namespace

std::vector<int> parse_cpu_list(const std::string& text, const std::string& pointer) {
    // sched_setaffinity(2) takes a cpu_set_t of CPU_SETSIZE bits.
    return parse_id_list(text, pointer, "CPU", CPU_SETSIZE - 1);
}

ProcessPlan plan_process(const config::Process& process, const SecurityFacts& host, const std::string& base,
                         bool unknown_capability_is_error) {
    ProcessPlan p;
    if (process.args.empty()) throw ConfigError(base + "/args", "must have at least 1 item");
    p.args = process.args;
    p.env = process.env;
    p.cwd = process.cwd.empty() ? "/" : process.cwd;
    p.uid = process.user.uid;
    p.gid = process.user.gid;
    p.additional_gids.assign(process.user.additionalGids.begin(), process.user.additionalGids.end());
    if (process.user.umask) p.umask = static_cast<mode_t>(*process.user.umask);
    p.rlimits = plan_rlimits(process.rlimits, base);
    p.no_new_privileges = process.noNewPrivileges;
    p.oom_score_adj = process.oomScoreAdj;
    p.capabilities = plan_capabilities(process.capabilities, base, unknown_capability_is_error);
    if (process.scheduler) p.scheduler = plan_scheduler(*process.scheduler, base);
    if (process.ioPriority) p.io_priority = plan_io_priority(*process.ioPriority, base);
    if (const auto& affinity = process.execCPUAffinity) {
        if (affinity->initial) p.exec_cpu_affinity.initial = parse_cpu_list(*affinity->initial, base + "/execCPUAffinity/initial");
        if (affinity->final_) p.exec_cpu_affinity.final_ = parse_cpu_list(*affinity->final_, base + "/execCPUAffinity/final");
    }
    plan_security_labels(process, host, base, p);
    return p;
}

}  // namespace ocirt::plan
