#include "plan/capability_sets.hpp"

#include "config/json_pointer.hpp"
#include "linux/capabilities.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::plan {
namespace {

struct NamedSet {
    const char* name;
    const std::optional<std::vector<std::string>>* names;
    uint64_t* mask;
};

std::string first_outside(const std::optional<std::vector<std::string>>& names, uint64_t allowed, const std::string& base,
                          const char* set) {
    if (!names) return {};
    for (size_t i = 0; i < names->size(); ++i) {
        auto number = linux_::capability_number((*names)[i]);
        if (number && !(allowed & (uint64_t{1} << *number)))
            return config::pointer_join(base + "/capabilities/" + set, i);
    }
    return {};
}

}  // namespace

CapabilitySets plan_capabilities(const std::optional<config::Capabilities>& caps, const std::string& base, bool unknown_is_error) {
    CapabilitySets sets;
    if (!caps) return sets;
    const NamedSet named[] = {{"bounding", &caps->bounding, &sets.bounding},
                              {"effective", &caps->effective, &sets.effective},
                              {"permitted", &caps->permitted, &sets.permitted},
                              {"inheritable", &caps->inheritable, &sets.inheritable},
                              {"ambient", &caps->ambient, &sets.ambient}};
    for (const auto& set : named) {
        if (!*set.names) continue;
        for (size_t i = 0; i < (*set.names)->size(); ++i) {
            const std::string& name = (**set.names)[i];
            auto number = linux_::capability_number(name);
            if (!number) {
                std::string pointer = config::pointer_join(base + "/capabilities/" + set.name, i);
                std::string what = "unknown capability " + quoted(name) + " (see capabilities(7))";
                if (unknown_is_error) throw ConfigError(pointer, what);
                // config.md "Linux Process" (runtime-spec 1.1+): an unknown capability SHOULD NOT fail the
                // container, the runtime SHOULD log a warning.
                log::warn(pointer + ": " + what + ": ignored");
                continue;
            }
            *set.mask |= uint64_t{1} << *number;
        }
    }
    // capset(2): EPERM when the effective set is not a subset of the permitted set.
    if (auto p = first_outside(caps->effective, sets.permitted, base, "effective"); !p.empty())
        throw ConfigError(p, "an effective capability must also be permitted (capset(2))");
    // capset(2): EPERM when a new inheritable capability is outside the bounding set.
    if (auto p = first_outside(caps->inheritable, sets.bounding, base, "inheritable"); !p.empty())
        throw ConfigError(p, "an inheritable capability must also be in the bounding set (capset(2))");
    // capabilities(7): an ambient capability must be permitted and inheritable; runc and crun skip the
    // others without an error, and so do we.
    sets.ambient &= sets.permitted & sets.inheritable;
    return sets;
}

}  // namespace ocirt::plan
