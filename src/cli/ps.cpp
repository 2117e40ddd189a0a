#include <iostream>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/ps.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_ps(const GlobalOptions& global, const Args& args) {
    std::string id;
    std::string format = "table";
    po::options_description options("ps options");
    options.add_options()("format,f", po::value(&format)->default_value("table"), "table or json");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command({"ps", "ps [--format table|json] <container-id>", "list the processes running inside a container"},
                       args, options, positional, vm))
        return 0;
    if (format != "table" && format != "json") throw UsageError("ps: --format must be \"table\" or \"json\"");
    auto pids = runtime::container_pids(global.root, id);
    std::cout << (format == "json" ? runtime::format_pids_json(pids) : runtime::format_pids_table(pids));
    return 0;
}

}  // namespace ocirt::cli
