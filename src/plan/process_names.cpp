#include "plan/process_names.hpp"

#include "linux/ioprio.hpp"
#include <linux/sched.h>
#include <sys/personality.h>

namespace ocirt::plan {
namespace {

using config::NamedNumber;

// SCHED_ISO is named by the spec but was never merged into Linux: it has no number here.
constexpr NamedNumber kPolicies[] = {
    {"SCHED_OTHER", SCHED_NORMAL}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},  {"SCHED_IDLE", SCHED_IDLE}, {"SCHED_DEADLINE", SCHED_DEADLINE},
};

constexpr NamedNumber kFlags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", SCHED_FLAG_RESET_ON_FORK},   {"SCHED_FLAG_RECLAIM", SCHED_FLAG_RECLAIM},
    {"SCHED_FLAG_DL_OVERRUN", SCHED_FLAG_DL_OVERRUN},         {"SCHED_FLAG_KEEP_POLICY", SCHED_FLAG_KEEP_POLICY},
    {"SCHED_FLAG_KEEP_PARAMS", SCHED_FLAG_KEEP_PARAMS},       {"SCHED_FLAG_UTIL_CLAMP_MIN", SCHED_FLAG_UTIL_CLAMP_MIN},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", SCHED_FLAG_UTIL_CLAMP_MAX},
};

constexpr NamedNumber kIoClasses[] = {
    {"IOPRIO_CLASS_RT", IOPRIO_CLASS_RT}, {"IOPRIO_CLASS_BE", IOPRIO_CLASS_BE}, {"IOPRIO_CLASS_IDLE", IOPRIO_CLASS_IDLE},
};

constexpr NamedNumber kPersonalities[] = {{"LINUX", PER_LINUX}, {"LINUX32", PER_LINUX32}};

}  // namespace

std::span<const NamedNumber> scheduler_policy_names() { return kPolicies; }
std::optional<int> scheduler_policy(std::string_view name) { return config::named_number(kPolicies, name); }
std::span<const NamedNumber> scheduler_flag_names() { return kFlags; }
std::optional<int> scheduler_flag(std::string_view name) { return config::named_number(kFlags, name); }
std::optional<int> io_priority_class(std::string_view name) { return config::named_number(kIoClasses, name); }
std::optional<int> personality_domain(std::string_view name) { return config::named_number(kPersonalities, name); }

}  // namespace ocirt::plan
