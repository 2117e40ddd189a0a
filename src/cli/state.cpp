#include <iostream>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "state/store.hpp"

namespace ocirt::cli {

int cmd_state(const GlobalOptions& global, const Args& args) {
    auto id = parse_container_id_only({"state", "state <container-id>", "print the state of a container"}, args);
    if (!id) return 0;
    state::OpenedContainer c = state::Store(global.root).open_for_reading(*id);
    std::cout << state::oci_state_ordered(c.record, c.status).dump(2) << "\n";
    return 0;
}

}  // namespace ocirt::cli
