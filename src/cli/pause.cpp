#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/pause.hpp"

namespace ocirt::cli {

int cmd_pause(const GlobalOptions& global, const Args& args) {
    auto id = parse_container_id_only(
        {"pause", "pause <container-id>", "freeze every process of a running container"}, args);
    if (!id) return 0;
    runtime::pause_container(global.root, *id);
    return 0;
}

}  // namespace ocirt::cli
