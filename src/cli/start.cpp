#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/start.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_start(const GlobalOptions& g, const Args& args) {
    std::string id;
    po::options_description options("Options");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command({"start", "start <container-id>", "Run the user process of a created container."}, args, options,
                       positional, vm))
        return 0;
    runtime::start_container(g.root, id);
    return 0;
}

}  // namespace ocirt::cli
