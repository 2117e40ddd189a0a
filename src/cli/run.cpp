#include "cli/cli.hpp"
#include "runtime/run.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

int cmd_run(const GlobalOptions& g, const Args& args) {
    runtime::RunRequest request;
    auto& create = request.create;
    po::options_description options("Options");
    options.add_options()
        ("bundle,b", po::value(&create.bundle), "path to the bundle directory (default: the current directory)")
        ("detach,d", po::bool_switch(&request.detach), "do not wait for the container's process")
        ("keep", po::bool_switch(&request.keep), "do not delete the container after it exits")
        ("pid-file", po::value(&create.pid_file), "write the init's pid to this file")
        ("console-socket", po::value(&create.console_socket), "unix socket that receives the pty master")
        ("no-pivot", po::bool_switch(&create.no_pivot), "use MS_MOVE + chroot instead of pivot_root")
        ("no-new-keyring", po::bool_switch(&create.no_new_keyring), "do not create a session keyring")
        ("preserve-fds", po::value(&create.preserve_fds)->default_value(0), "pass N more fds (from fd 3) to the process")
        ("id", po::value(&create.id)->required(), "container id");
    po::positional_options_description positional;
    positional.add("id", 1);
    po::variables_map vm;
    if (!parse_command({"run", "run [options] <container-id>", "Create and start a container, and wait for it."}, args,
                       options, positional, vm))
        return 0;
    if (create.preserve_fds < 0) throw UsageError("run: --preserve-fds must not be negative");
    create.root = g.root;
    create.systemd_cgroup = g.systemd_cgroup;
    return runtime::run_container(request);
}

}  // namespace ocirt::cli
