#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/start.hpp"

namespace ocirt::cli {

int cmd_start(const GlobalOptions& g, const Args& args) {
    auto id = parse_container_id_only(
        {"start", "start <container-id>", "Run the user process of a created container."}, args);
    if (!id) return 0;
    runtime::start_container(g.root, *id);
    return 0;
}

}  // namespace ocirt::cli
