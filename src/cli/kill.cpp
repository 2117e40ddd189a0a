#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/kill.hpp"
#include "runtime/signals.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_kill(const GlobalOptions& global, const Args& args) {
    runtime::KillRequest request{global.root, {}, SIGTERM, false};
    std::string signal = "SIGTERM";
    po::options_description options("kill options");
    options.add_options()("all,a", po::bool_switch(&request.all), "send the signal to every process in the container");
    po::positional_options_description positional;
    add_container_id(options, positional, request.id);
    options.add_options()("signal", po::value(&signal), "signal (default SIGTERM)");
    positional.add("signal", 1);
    po::variables_map vm;
    if (!parse_command({"kill", "kill [--all] <container-id> [signal]",
                        "send a signal (name or number, default SIGTERM) to the container's init"},
                       args, options, positional, vm))
        return 0;
    request.signal = runtime::parse_signal(signal);
    runtime::kill_container(request);
    return 0;
}

}  // namespace ocirt::cli
