#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/pause.hpp"

namespace ocirt::cli {

int cmd_resume(const GlobalOptions& global, const Args& args) {
    auto id = parse_container_id_only(
        {"resume", "resume <container-id>", "thaw every process of a paused container"}, args);
    if (!id) return 0;
    runtime::resume_container(global.root, *id);
    return 0;
}

}  // namespace ocirt::cli
