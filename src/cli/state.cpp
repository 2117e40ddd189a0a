#include <iostream>

#include "cli/cli.hpp"
#include "state/store.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_state(const GlobalOptions& global, const Args& args) {
    std::string id;
    po::options_description options("state options");
    options.add_options()("id", po::value(&id)->required(), "container ID");
    po::positional_options_description positional;
    positional.add("id", 1);
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
