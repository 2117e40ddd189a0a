#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/delete.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_delete(const GlobalOptions& global, const Args& args) {
    runtime::DeleteRequest request{global.root, {}, false};
    po::options_description options("delete options");
    options.add_options()("force,f", po::bool_switch(&request.force), "kill the container first if it is not stopped");
    po::positional_options_description positional;
    add_container_id(options, positional, request.id);
    po::variables_map vm;
    if (!parse_command({"delete", "delete [--force] <container-id>", "delete a container and the resources it holds"},
                       args, options, positional, vm))
        return 0;
    runtime::delete_container(request);
    return 0;
}

}  // namespace ocirt::cli
