#include "plan/hook_plan.hpp"

namespace ocirt::plan {

HookPlan plan_hooks(const config::Hooks& hooks, const std::string& bundle) {
    HookPlan plan;
    plan.ask_parent = !hooks.prestart.empty() || !hooks.createRuntime.empty() || !hooks.createContainer.empty() ||
                      !hooks.startContainer.empty();
    plan.create_container = hooks.createContainer;
    plan.start_container = hooks.startContainer;
    plan.cwd = bundle;
    return plan;
}

}  // namespace ocirt::plan
