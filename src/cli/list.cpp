#include <iostream>

#include "cli/cli.hpp"
#include "runtime/list.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_list(const GlobalOptions& global, const Args& args) {
    bool quiet = false;
    std::string format = "table";
    po::options_description options("list options");
    options.add_options()("quiet,q", po::bool_switch(&quiet), "print the container IDs only")(
        "format,f", po::value(&format)->default_value("table"), "table or json");
    po::positional_options_description positional;
    po::variables_map vm;
    if (!parse_command({"list", "list [-q] [--format table|json]", "list containers started by ocirt with the given root"},
                       args, options, positional, vm))
        return 0;
    if (format != "table" && format != "json") throw UsageError("list: --format must be \"table\" or \"json\"");
    auto containers = runtime::list_containers(global.root);
    if (quiet)
        std::cout << runtime::format_quiet(containers);
    else if (format == "json")
        std::cout << runtime::format_json(containers);
    else
        std::cout << runtime::format_table(containers);
    return 0;
}

}  // namespace ocirt::cli
