#include <iostream>

#include "cli/cli.hpp"
#include "config/load.hpp"
#include "util/log.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_check(const GlobalOptions&, const Args& args) {
    std::string bundle;
    po::options_description options("check options");
    options.add_options()("bundle,b", po::value(&bundle)->default_value("."), "bundle directory (holds config.json)");
    po::positional_options_description positional;
    po::variables_map vm;
    if (!parse_command({"check", "check [-b DIR]", "validate a bundle's config.json and print every problem"}, args,
                       options, positional, vm))
        return 0;
    auto result = config::load_bundle(bundle);
    for (const auto& d : result.diagnostics) log::error(d.to_string());
    if (!result.diagnostics.empty()) return 1;
    std::cout << "config.json: ok\n";
    return 0;
}

}  // namespace ocirt::cli
