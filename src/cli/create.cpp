#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/create.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_create(const GlobalOptions& g, const Args& args) {
    runtime::CreateRequest request;
    po::options_description options("Options");
    po::positional_options_description positional;
    add_create_options(options, positional, request);
    po::variables_map vm;
    if (!parse_command({"create", "create [options] <container-id>", "Create a container from a bundle."}, args, options,
                       positional, vm))
        return 0;
    finish_create_request("create", g, request);
    linux_::ChildProcess init = runtime::create_container(request);
    init.release();
    return 0;
}

}  // namespace ocirt::cli
