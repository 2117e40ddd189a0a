#include "cli/cli.hpp"
#include "runtime/create.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_create(const GlobalOptions& g, const Args& args) {
    runtime::CreateRequest request;
    po::options_description options("Options");
    options.add_options()
        ("bundle,b", po::value(&request.bundle), "path to the bundle directory (default: the current directory)")
        ("pid-file", po::value(&request.pid_file), "write the init's pid to this file")
        ("console-socket", po::value(&request.console_socket), "unix socket that receives the pty master")
        ("no-pivot", po::bool_switch(&request.no_pivot), "use MS_MOVE + chroot instead of pivot_root")
        ("no-new-keyring", po::bool_switch(&request.no_new_keyring), "do not create a session keyring")
        ("preserve-fds", po::value(&request.preserve_fds)->default_value(0), "pass N more fds (from fd 3) to the process")
        ("id", po::value(&request.id)->required(), "container id");
    po::positional_options_description positional;
    positional.add("id", 1);
    po::variables_map vm;
    if (!parse_command({"create", "create [options] <container-id>", "Create a container from a bundle."}, args, options,
                       positional, vm))
        return 0;
    if (request.preserve_fds < 0) throw UsageError("create: --preserve-fds must not be negative");
    request.root = g.root;
    request.systemd_cgroup = g.systemd_cgroup;
    linux_::ChildProcess init = runtime::create_container(request);
    init.release();
    return 0;
}

}  // namespace ocirt::cli
