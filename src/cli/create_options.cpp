#include "cli/create_options.hpp"

#include "runtime/rootless.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

void add_create_options(po::options_description& options, po::positional_options_description& positional,
                        runtime::CreateRequest& request) {
    options.add_options()
        ("bundle,b", po::value(&request.bundle), "path to the bundle directory (default: the current directory)")
        ("no-pivot", po::bool_switch(&request.no_pivot), "use MS_MOVE + chroot instead of pivot_root")
        ("no-new-keyring", po::bool_switch(&request.no_new_keyring), "keep the caller's session keyring (default: join a new one named _ses.<id>)");
    add_process_start_options(options, request, "the init's");
    add_container_id(options, positional, request.id);
}

void check_process_start_options(const char* command, int preserve_fds) {
    if (preserve_fds < 0) throw UsageError(std::string(command) + ": --preserve-fds must not be negative");
}

void finish_create_request(const char* command, const GlobalOptions& global, runtime::CreateRequest& request) {
    check_process_start_options(command, request.preserve_fds);
    request.root = global.root;
    request.systemd_cgroup = global.systemd_cgroup;
    request.rootless = runtime::rootless_mode(global.rootless);
}

void add_container_id(po::options_description& options, po::positional_options_description& positional,
                      std::string& id) {
    options.add_options()("id", po::value(&id)->required(), "container ID");
    positional.add("id", 1);
}

std::optional<std::string> parse_container_id_only(const CommandSpec& spec, const Args& args) {
    std::string id;
    po::options_description options(std::string(spec.name) + " options");
    po::positional_options_description positional;
    add_container_id(options, positional, id);
    po::variables_map vm;
    if (!parse_command(spec, args, options, positional, vm)) return std::nullopt;
    return id;
}

}  // namespace ocirt::cli
