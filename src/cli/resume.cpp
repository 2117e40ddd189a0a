#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/pause.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_resume(const GlobalOptions& global, const Args& args) {
    std::string id;
    po::options_description options("resume options");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command({"resume", "resume <container-id>", "thaw every process of a paused container"}, args, options,
                       positional, vm))
        return 0;
    runtime::resume_container(global.root, id);
    return 0;
}

}  // namespace ocirt::cli
