#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/pause.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_pause(const GlobalOptions& global, const Args& args) {
    std::string id;
    po::options_description options("pause options");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command({"pause", "pause <container-id>", "freeze every process of a running container"}, args, options,
                       positional, vm))
        return 0;
    runtime::pause_container(global.root, id);
    return 0;
}

}  // namespace ocirt::cli
