#include "plan/seccomp_plan.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>

#include <algorithm>
#include <cctype>
#include <cerrno>

#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::plan {
namespace {

const std::string kBase = "/linux/seccomp";

struct ActionName {
    const char* name;
    uint32_t action;
    bool takes_data;  // seccomp(2): SECCOMP_RET_ERRNO and SECCOMP_RET_TRACE carry errnoRet in SECCOMP_RET_DATA
};

constexpr ActionName kActions[] = {
    {"SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false},
    {"SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false},
    {"SCMP_ACT_TRAP", SCMP_ACT_TRAP, false},
    {"SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true},
    {"SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true},
    {"SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false},
    {"SCMP_ACT_LOG", SCMP_ACT_LOG, false},
    {"SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false},
};

const std::map<std::string, int>& operator_table() {
    static const std::map<std::string, int> ops = {
        {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
        {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
        {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    };
    return ops;
}

struct FilterFlagName {
    const char* name;
    unsigned int flag;
};

constexpr FilterFlagName kFilterFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

uint32_t resolve_action(const std::string& name, std::optional<uint32_t> errno_ret, const std::string& pointer,
                        const std::string& errno_pointer) {
    // seccomp(2): SECCOMP_RET_ERRNO and SECCOMP_RET_TRACE carry their data in the low 16 bits.
    if (errno_ret && *errno_ret > SECCOMP_RET_DATA)
        throw ConfigError(errno_pointer, "must be at most 65535 (16 bits of SECCOMP_RET_DATA), got " + std::to_string(*errno_ret));
    auto action = seccomp_action(name, errno_ret);
    if (!action) throw ConfigError(pointer, "unknown seccomp action " + quoted(name));
    return *action;
}

std::vector<linux_::SeccompCondition> resolve_conditions(const std::vector<config::SeccompArg>& args, const std::string& pointer) {
    std::vector<linux_::SeccompCondition> out;
    for (size_t k = 0; k < args.size(); ++k) {
        const auto& a = args[k];
        std::string at = pointer + "/args/" + std::to_string(k);
        if (a.index > 5) throw ConfigError(at + "/index", "must be at most 5 (a system call has six arguments)");
        auto op = seccomp_operator(a.op);
        if (!op) throw ConfigError(at + "/op", "unknown seccomp operator " + quoted(a.op));
        out.push_back({a.index, *op, a.value, a.valueTwo.value_or(0)});
    }
    return out;
}

bool repeats_an_argument(const std::vector<linux_::SeccompCondition>& conditions) {
    for (size_t i = 0; i < conditions.size(); ++i)
        for (size_t j = i + 1; j < conditions.size(); ++j)
            if (conditions[i].index == conditions[j].index) return true;
    return false;
}

void plan_rules(const config::Seccomp& s, SeccompPlan& plan, bool& uses_notify) {
    for (size_t i = 0; i < s.syscalls.size(); ++i) {
        const auto& call = s.syscalls[i];
        std::string pointer = kBase + "/syscalls/" + std::to_string(i);
        uint32_t action = resolve_action(call.action, call.errnoRet, pointer + "/action", pointer + "/errnoRet");
        auto conditions = resolve_conditions(call.args, pointer);
        bool notify = action == SCMP_ACT_NOTIFY;
        uses_notify = uses_notify || notify;
        // libseccomp refuses a rule whose action is the default one; runc skips it, the filter is the same.
        if (action == plan.default_action) continue;
        for (size_t n = 0; n < call.names.size(); ++n) {
            const std::string& name = call.names[n];
            // The init sends the notify fd to `create` with sendmsg(2): a notified sendmsg would never return.
            if (notify && name == "sendmsg")
                throw ConfigError(pointer + "/names/" + std::to_string(n),
                                   "SCMP_ACT_NOTIFY cannot be used for sendmsg: the init sends the notify fd with it");
            int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                if (std::find(plan.skipped_names.begin(), plan.skipped_names.end(), name) == plan.skipped_names.end())
                    plan.skipped_names.push_back(name);
                continue;
            }
            // runc's rule: conditions on distinct arguments must all hold; when one argument repeats, each
            // condition becomes a rule of its own (any of them matches).
            if (repeats_an_argument(conditions)) {
                for (const auto& c : conditions) plan.rules.push_back({name, nr, action, {c}});
            } else {
                plan.rules.push_back({name, nr, action, conditions});
            }
        }
    }
}

}  // namespace

std::optional<uint32_t> seccomp_action(const std::string& name, std::optional<uint32_t> errno_ret) {
    for (const auto& entry : kActions)
        if (name == entry.name)
            // config-linux.md: errnoRet defaults to EPERM.
            return entry.takes_data ? entry.action | (errno_ret.value_or(EPERM) & SECCOMP_RET_DATA) : entry.action;
    return std::nullopt;
}

std::optional<int> seccomp_operator(const std::string& name) {
    auto it = operator_table().find(name);
    if (it == operator_table().end()) return std::nullopt;
    return it->second;
}

std::optional<uint32_t> seccomp_architecture(const std::string& name) {
    // libseccomp names its architectures as the constants do, lower case and without SCMP_ARCH_.
    const std::string prefix = "SCMP_ARCH_";
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) return std::nullopt;
    std::string short_name = name.substr(prefix.size());
    std::transform(short_name.begin(), short_name.end(), short_name.begin(), [](unsigned char c) { return std::tolower(c); });
    uint32_t token = seccomp_arch_resolve_name(short_name.c_str());
    if (token == 0) return std::nullopt;
    return token;
}

std::optional<unsigned int> seccomp_filter_flag(const std::string& name) {
    for (const auto& entry : kFilterFlags)
        if (name == entry.name) return entry.flag;
    return std::nullopt;
}

std::vector<std::string> seccomp_action_names() {
    std::vector<std::string> out;
    for (const auto& entry : kActions) out.push_back(entry.name);
    return out;
}

std::vector<std::string> seccomp_operator_names() {
    std::vector<std::string> out;
    for (const auto& [name, op] : operator_table()) out.push_back(name);
    return out;
}

std::vector<std::string> seccomp_filter_flag_names() {
    std::vector<std::string> out;
    for (const auto& entry : kFilterFlags) out.push_back(entry.name);
    return out;
}

SeccompPlan plan_seccomp(const config::Seccomp& s, const config::Config& config, const std::string& bundle) {
    SeccompPlan plan;
    plan.default_action = resolve_action(s.defaultAction, s.defaultErrnoRet, kBase + "/defaultAction", kBase + "/defaultErrnoRet");
    if (plan.default_action == SCMP_ACT_NOTIFY)
        throw ConfigError(kBase + "/defaultAction",
                           "SCMP_ACT_NOTIFY cannot be the default action: the init could not send the notify fd");
    for (size_t i = 0; i < s.architectures.size(); ++i) {
        auto arch = seccomp_architecture(s.architectures[i]);
        if (!arch)
            throw ConfigError(kBase + "/architectures/" + std::to_string(i),
                               quoted(s.architectures[i]) + " is not an architecture this libseccomp knows");
        plan.architectures.push_back(*arch);
    }
    for (size_t i = 0; i < s.flags.size(); ++i) {
        auto flag = seccomp_filter_flag(s.flags[i]);
        if (!flag) throw ConfigError(kBase + "/flags/" + std::to_string(i), "unknown seccomp flag " + quoted(s.flags[i]));
        plan.flags |= *flag;
    }
    bool uses_notify = false;
    plan_rules(s, plan, uses_notify);

    if (uses_notify) {
        if (!s.listenerPath)
            throw ConfigError(kBase + "/listenerPath", "SCMP_ACT_NOTIFY is used: a listenerPath must receive the notify fd");
        plan.listener = SeccompListener{*s.listenerPath, s.listenerMetadata, config.ociVersion, "", bundle, config.annotations};
        plan.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // seccomp(2): TSYNC together with NEW_LISTENER needs TSYNC_ESRCH.
        if (plan.flags & SECCOMP_FILTER_FLAG_TSYNC) plan.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    } else {
        // seccomp(2): WAIT_KILLABLE_RECV only means something for a listener; the kernel refuses it alone.
        plan.flags &= ~static_cast<unsigned int>(SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV);
    }
    bool no_new_privileges = config.process && config.process->noNewPrivileges;
    plan.stage = !no_new_privileges ? SeccompStage::before_identity
                 : plan.listener    ? SeccompStage::before_ready
                                    : SeccompStage::before_exec;
    for (const auto& name : plan.skipped_names)
        log::debug("seccomp: syscall " + quoted(name) + " is unknown to libseccomp, its rule is skipped");
    plan.program = with_context("seccomp", [&] { return linux_::compile_seccomp_filter(plan); });
    return plan;
}

}  // namespace ocirt::plan
