#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/run.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_run(const GlobalOptions& g, const Args& args) {
    runtime::RunRequest request;
    po::options_description options("Options");
    options.add_options()
        ("detach,d", po::bool_switch(&request.detach), "do not wait for the container's process")
        ("keep", po::bool_switch(&request.keep), "do not delete the container after it exits");
    po::positional_options_description positional;
    add_create_options(options, positional, request.create);
    po::variables_map vm;
    if (!parse_command({"run", "run [options] <container-id | bundle-dir>",
                        "Create and start a container, and wait for it. A directory holding a config.json, given "
                        "instead of an ID and without --bundle, is the bundle; the container is named after it."},
                       args, options, positional, vm))
        return 0;
    finish_create_request("run", g, request.create);
    if (!vm.count("bundle")) runtime::take_bundle_argument(request.create);
    request.create.detached = request.detach;
    return runtime::run_container(request);
}

}  // namespace ocirt::cli
