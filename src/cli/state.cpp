#include <iostream>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/state.hpp"

namespace ocirt::cli {

int cmd_state(const GlobalOptions& global, const Args& args) {
    auto id = parse_container_id_only({"state", "state <container-id>", "print the state of a container"}, args);
    if (!id) return 0;
    std::cout << runtime::container_state(global.root, *id).dump(2) << "\n";
    return 0;
}

}  // namespace ocirt::cli
