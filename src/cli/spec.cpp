#include "cli/cli.hpp"
#include "runtime/default_spec.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_spec(const GlobalOptions&, const Args& args) {
    std::string bundle = ".";
    bool rootless = false;
    po::options_description options("spec options");
    options.add_options()("bundle,b", po::value(&bundle)->default_value("."), "directory to write config.json in")(
        "rootless", po::bool_switch(&rootless), "a config for a container run by an unprivileged user");
    po::positional_options_description positional;
    po::variables_map vm;
    if (!parse_command({"spec", "spec [--rootless] [-b DIR]", "write a new default config.json"}, args, options,
                       positional, vm))
        return 0;
    runtime::write_default_spec(bundle, rootless);
    return 0;
}

}  // namespace ocirt::cli
