#include "cli/cli.hpp"
#include "cli/create_options.hpp"
#include "cli/criu_options.hpp"
#include "runtime/checkpoint.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_restore(const GlobalOptions& g, const Args& args) {
    runtime::RestoreRequest request;
    po::options_description options("Options");
    add_criu_options(options, request.criu);
    options.add_options()
        ("bundle,b", po::value(&request.create.bundle), "path to the bundle directory (default: the current directory)")
        ("detach,d", po::bool_switch(&request.detach), "do not wait for the restored container's process")
        ("pid-file", po::value(&request.create.pid_file), "write the restored init's pid to this file")
        ("console-socket", po::value(&request.create.console_socket), "unix socket that receives the pty master")
        ("no-new-keyring", po::bool_switch(&request.create.no_new_keyring), "keep the caller's session keyring")
        ("lsm-profile", po::value(&request.lsm_profile), "the LSM profile to restore the process with (TYPE:NAME)")
        ("lsm-mount-context", po::value(&request.lsm_mount_context), "the SELinux mount context of the restored mounts");
    po::positional_options_description positional;
    add_container_id(options, positional, request.create.id);
    po::variables_map vm;
    if (!parse_command({"restore", "restore [options] <container-id>",
                        "Make a container from a bundle and a checkpoint's images, and run it."},
                       args, options, positional, vm))
        return 0;
    finish_create_request("restore", g, request.create);
    request.criu.criu = g.criu;
    return runtime::restore_container(request);
}

}  // namespace ocirt::cli
