#include "hooks/lifecycle_hooks.hpp"

#include "config/rules.hpp"
#include "hooks/run_hooks.hpp"

namespace ocirt::hooks {

void run_create_runtime_hooks(const config::Hooks& hooks, const state::Record& record) {
    if (hooks.prestart.empty() && hooks.createRuntime.empty()) return;
    std::string state = state::oci_state(record, kStatusBeforeStart).dump();
    run_hooks("prestart", hooks.prestart, state, OnFailure::fail, record.bundle);
    run_hooks("createRuntime", hooks.createRuntime, state, OnFailure::fail, record.bundle);
}

void run_poststart_hooks(const state::Record& record) {
    if (record.hooks.poststart.empty()) return;
    std::string state = state::oci_state(record, state::Status::running).dump();
    run_hooks("poststart", record.hooks.poststart, state,
              config::poststart_failure_is_error(record.oci_version) ? OnFailure::fail : OnFailure::warn, record.bundle);
}

void run_poststop_hooks(const state::Record& record) {
    if (record.hooks.poststop.empty()) return;
    std::string state = state::oci_state(record, state::Status::stopped).dump();
    run_hooks("poststop", record.hooks.poststop, state, OnFailure::warn, record.bundle);
}

}  // namespace ocirt::hooks
