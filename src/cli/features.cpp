#include <iostream>

#include "cli/cli.hpp"
#include "runtime/features.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_features(const GlobalOptions&, const Args& args) {
    po::options_description options("features options");
    po::positional_options_description positional;
    po::variables_map vm;
    if (!parse_command({"features", "features",
                        "print what this build of ocirt implements as the runtime-spec's features document (JSON)"},
                       args, options, positional, vm))
        return 0;
    std::cout << runtime::features_document().dump(4) << "\n";
    return 0;
}

}  // namespace ocirt::cli
