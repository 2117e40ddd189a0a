#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "cli/criu_options.hpp"
#include "runtime/checkpoint.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_checkpoint(const GlobalOptions& g, const Args& args) {
    runtime::CheckpointRequest request;
    po::options_description options("Options");
    add_criu_options(options, request.criu);
    options.add_options()
        ("leave-running", po::bool_switch(&request.leave_running), "leave the container running after the checkpoint")
        ("pre-dump", po::bool_switch(&request.pre_dump), "dump the memory only, for a later dump with --parent-path")
        ("parent-path", po::value(&request.parent_path), "the pre-dump's image directory, relative to the image path");
    po::positional_options_description positional;
    add_container_id(options, positional, request.id);
    po::variables_map vm;
    if (!parse_command({"checkpoint", "checkpoint [options] <container-id>",
                        "Dump a running container with CRIU; unless --leave-running or --pre-dump, delete it."},
                       args, options, positional, vm))
        return 0;
    request.root = g.root;
    request.criu.criu = g.criu;
    runtime::checkpoint_container(request);
    return 0;
}

}  // namespace ocirt::cli
