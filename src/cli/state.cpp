#include <iostream>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "state/store.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_state(const GlobalOptions& global, const Args& args) {
    std::string id;
    po::options_description options("state options");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command({"state", "state <container-id>", "print the state of a container"}, args, options, positional,
                       vm))
        return 0;
    state::Container container = state::Store(global.root).open_unlocked(id);
    state::Record record = container.load();
    std::cout << state::oci_state_ordered(record, state::derive_status(record, container.dir())).dump(2) << "\n";
    return 0;
}

}  // namespace ocirt::cli
