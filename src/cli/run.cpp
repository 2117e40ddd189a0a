#include <filesystem>
#include <system_error>

#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "runtime/run.hpp"
#include "state/store.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace ocirt::cli {

namespace {

// `ocirt run DIR`: a lone argument that is no valid container ID but a directory holding a config.json is the
// bundle. A valid ID keeps runc's meaning, so nothing containerd, podman or Docker send is read differently.
bool names_a_bundle(const std::string& argument) {
    try {
        state::validate_id(argument);
        return false;
    } catch (const Error&) {
    }
    std::error_code ignored;
    return fs::is_regular_file(fs::path(argument) / "config.json", ignored);
}

// The bundle directory's name, its characters outside the ID's alphabet made '-', with -2, -3, ... added until
// no container under `root` has it.
std::string container_id_for(const std::string& bundle, const std::string& root) {
    fs::path dir = fs::absolute(bundle).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();
    std::string name = dir.filename().string();
    for (char& c : name)
        if (!state::id_character_allowed(c)) c = '-';
    if (name.empty() || name == "." || name == "..") name = "container";
    state::Store store(root);
    std::string id = name;
    for (int n = 2; store.exists(id); ++n) id = name + "-" + std::to_string(n);
    return id;
}

}  // namespace

int cmd_run(const GlobalOptions& g, const Args& args) {
    runtime::RunRequest request;
    po::options_description options("Options");
    options.add_options()
        ("detach,d", po::bool_switch(&request.detach), "do not wait for the container's process")
        ("keep", po::bool_switch(&request.keep), "do not delete the container after it exits");
    po::positional_options_description positional;
    add_create_options(options, positional, request.create);
    po::variables_map vm;
    if (!parse_command({"run", "run [options] <container-id>\n       run [options] <bundle-dir>",
                        "Create and start a container, and wait for it. A directory holding a config.json, given "
                        "instead of an ID and without --bundle, is the bundle; the container is named after it."},
                       args, options, positional, vm))
        return 0;
    finish_create_request("run", g, request.create);
    if (!vm.count("bundle") && names_a_bundle(request.create.id)) {
        request.create.bundle = request.create.id;
        request.create.id = container_id_for(request.create.bundle, request.create.root);
        log::debug("run: " + ocirt::quoted(request.create.bundle) + " is a bundle; container ID " + ocirt::quoted(request.create.id));
    }
    request.create.detached = request.detach;
    return runtime::run_container(request);
}

}  // namespace ocirt::cli
