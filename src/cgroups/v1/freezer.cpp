#include "cgroups/v1/freezer.hpp"

#include "cgroups/file_io.hpp"
#include "cgroups/poll.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {

bool v1_frozen(const std::string& freezer_dir) {
    auto state = try_read_text(freezer_dir + "/freezer.state");
    return state && trimmed(*state) == "FROZEN";
}

void set_v1_frozen(const std::string& freezer_dir, bool frozen) {
    std::string file = freezer_dir + "/freezer.state";
    write_text(file, frozen ? "FROZEN" : "THAWED");
    if (frozen && !poll_until([&] { return trimmed(try_read_text(file).value_or("FROZEN")) == "FROZEN"; },
                              kFreezeTimeout))
        throw Error("cgroup " + ocirt::quoted(freezer_dir) + " did not freeze in time");
}

}  // namespace ocirt::cgroups
