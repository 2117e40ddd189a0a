#pragma once
// linux.seccomp resolved before fork: actions, architectures, operators and syscall names become the
// numbers libseccomp and seccomp(2) take, then the filter is compiled to BPF, so that the child only
// loads it. Bad names and combinations are Errors naming their /linux/seccomp/... pointer.
#include <linux/filter.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "linux/seccomp.hpp"

namespace ocirt::plan {

// Where the init loads the filter (config-linux.md Seccomp; seccomp(2) for the privilege rule).
enum class SeccompStage {
    before_identity,  // no noNewPrivileges: loading needs CAP_SYS_ADMIN, so before capabilities and uid change
    before_ready,     // a listener: the notify fd must reach `create` before Ready
    before_exec,      // otherwise: as late as possible, so that the init makes no syscall but execve after it
};

// The seccomp agent that gets the notify fd and the container process state (config-linux.md).
struct SeccompListener {
    std::string path;
    std::optional<std::string> metadata;
    std::string oci_version;  // the container state's, as state.json has it
    std::string id;           // set by create: the plan does not know the container ID
    std::string bundle;
    std::map<std::string, std::string> annotations;
};

// The filter libseccomp compiles (default action, architectures, rules, flags), and when and how it is loaded.
struct SeccompPlan : linux_::SeccompFilter {
    std::vector<std::string> skipped_names;  // unknown to libseccomp: skipped as runc does
    SeccompStage stage = SeccompStage::before_exec;
    std::optional<SeccompListener> listener;  // only when an action is SCMP_ACT_NOTIFY
    std::vector<sock_filter> program;         // the compiled filter
};

// Throws Error with the JSON pointer of what cannot be planned.
SeccompPlan plan_seccomp(const config::Seccomp& seccomp, const config::Config& config, const std::string& bundle);

// The libseccomp constants behind the config's strings; std::nullopt when unknown.
std::optional<uint32_t> seccomp_action(const std::string& name, std::optional<uint32_t> errno_ret);
std::optional<int> seccomp_operator(const std::string& name);
std::optional<uint32_t> seccomp_architecture(const std::string& name);
std::optional<unsigned int> seccomp_filter_flag(const std::string& name);
// The names each of them knows (architectures: whatever this libseccomp resolves, so no list here).
std::vector<std::string> seccomp_action_names();
std::vector<std::string> seccomp_operator_names();
std::vector<std::string> seccomp_filter_flag_names();

}  // namespace ocirt::plan
