#include "cli/criu_options.hpp"

namespace po = boost::program_options;

namespace ocirt::cli {

void add_criu_options(po::options_description& options, runtime::CriuRequest& request) {
    options.add_options()
        ("image-path", po::value(&request.image_path), "directory of the checkpoint's images (default: ./checkpoint)")
        ("work-path", po::value(&request.work_path), "directory for CRIU's logs (default: the image path)")
        ("tcp-established", po::bool_switch(&request.tcp_established), "checkpoint or restore established TCP connections")
        ("ext-unix-sk", po::bool_switch(&request.ext_unix_sk), "allow external unix sockets")
        ("shell-job", po::bool_switch(&request.shell_job), "allow a process that uses the caller's terminal")
        ("file-locks", po::bool_switch(&request.file_locks), "handle file locks")
        ("manage-cgroups-mode", po::value(&request.manage_cgroups_mode), "how CRIU handles cgroups: soft, full, strict or ignore")
        ("empty-ns", po::value(&request.empty_ns)->composing(), "a namespace whose contents CRIU neither dumps nor restores (network)");
}

}  // namespace ocirt::cli
