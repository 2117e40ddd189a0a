#include <iostream>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/events.hpp"
#include "util/duration.hpp"
#include "util/error.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_events(const GlobalOptions& global, const Args& args) {
    runtime::EventsRequest request{global.root, {}, false, std::chrono::seconds(5)};
    std::string interval = "5s";
    po::options_description options("events options");
    options.add_options()
        ("stats", po::bool_switch(&request.stats_only), "print the container's stats once, then exit")
        ("interval", po::value(&interval)->default_value("5s"), "time between stats lines (5s, 500ms, 1m)");
    po::positional_options_description positional;
    add_container_id(options, positional, request.id);
    po::variables_map vm;
    if (!parse_command({"events", "events [--stats] [--interval 5s] <container-id>",
                        "print resource usage every --interval and OOM kills as JSON lines until the container stops"},
                       args, options, positional, vm))
        return 0;
    try {
        request.interval = parse_duration(interval);
    } catch (const Error& e) {
        throw UsageError("events: --interval: " + e.full());
    }
    if (request.interval.count() <= 0) throw UsageError("events: --interval must be greater than zero");
    runtime::print_events(request, std::cout);
    return 0;
}

}  // namespace ocirt::cli
