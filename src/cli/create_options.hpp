#pragma once
// The flags `create` and `run` share, and the container ID every per-container command takes.
#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "cli/cli.hpp"
#include "runtime/create.hpp"

namespace ocirt::cli {

// --bundle, --pid-file, --console-socket, --no-pivot, --no-new-keyring, --preserve-fds and the ID.
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
