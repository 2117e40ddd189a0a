#pragma once
// The flags `create` and `run` share, those they share with `exec`, and the container ID every per-container
// command takes.
#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "cli/cli.hpp"
#include "runtime/create.hpp"

namespace ocirt::cli {

// The flags of every command that starts a process in a container (create, run, exec): --pid-file (`whose`
// pid it receives), --console-socket and --preserve-fds, into fields of the same names.
template <typename Request>
void add_process_start_options(boost::program_options::options_description& options, Request& request,
                               const std::string& whose) {
    namespace po = boost::program_options;
    options.add_options()
        ("pid-file", po::value(&request.pid_file), ("write " + whose + " pid to this file").c_str())
        ("console-socket", po::value(&request.console_socket), "unix socket that receives the pty master")
        ("preserve-fds", po::value(&request.preserve_fds)->default_value(0), "pass N more fds (from fd 3) to the process");
}
// What program_options cannot check of those flags.
void check_process_start_options(const char* command, int preserve_fds);

// --bundle, --no-pivot, --no-new-keyring, the process start flags and the ID.
void add_create_options(boost::program_options::options_description& options,
                        boost::program_options::positional_options_description& positional,
                        runtime::CreateRequest& request);
// Checks what program_options cannot and fills in the global flags.
void finish_create_request(const char* command, const GlobalOptions& global, runtime::CreateRequest& request);

// The <container-id> positional argument, required.
void add_container_id(boost::program_options::options_description& options,
                      boost::program_options::positional_options_description& positional, std::string& id);

// For commands that take the container ID and nothing else: the ID, or nullopt when --help was printed.
std::optional<std::string> parse_container_id_only(const CommandSpec& spec, const Args& args);

}  // namespace ocirt::cli
