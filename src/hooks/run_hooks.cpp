#include "hooks/run_hooks.hpp"

#include "hooks/run_hook.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::hooks {

void run_hooks(std::string_view point, const std::vector<config::Hook>& hooks, const std::string& state_json,
               OnFailure on_failure, const std::string& cwd) {
    for (size_t i = 0; i < hooks.size(); ++i) {
        std::string name = std::string(point) + " hook #" + std::to_string(i) + " (" + quoted(hooks[i].path) + ")";
        try {
            HookOutput output = run_hook(hooks[i], state_json, cwd);
            if (log::debug_enabled())
                log::debug(name + " succeeded, stdout: " + quoted(output.out) + ", stderr: " + quoted(output.err));
        } catch (Error& e) {
            e.context(name);
            if (on_failure == OnFailure::fail) throw;
            log::warn(e.full());
        }
    }
}

}  // namespace ocirt::hooks
