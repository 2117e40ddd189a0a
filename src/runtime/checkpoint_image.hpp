#pragma once
// What `checkpoint` and `restore` both tell CRIU about a container (runtime/checkpoint.hpp): the image and
// work directories, the flags they share, the mounts from outside the container's tree, and the init's
// standard descriptors kept beside the image.
#include <sys/types.h>

#include <string>
#include <vector>

#include "config/config.hpp"
#include "criu/criu.hpp"
#include "runtime/checkpoint.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {

// The key CRIU's external network namespace goes by in both directions (criu(8) --external net[INODE]:KEY).
inline constexpr const char* kExternalNetNsKey = "extRootNetNS";

// The directories open, and the criu::Options both commands fill alike from `request`. `create_images`:
// checkpoint makes the image directory (0700, with its parents); restore needs it to exist.
struct CriuDirectories {
    UniqueFd images;
    UniqueFd work;
    std::string images_path;
    std::string work_path;
};
CriuDirectories open_criu_directories(const CriuRequest& request, bool create_images);
criu::Options common_criu_options(const CriuRequest& request, const CriuDirectories& dirs, const std::string& log_file);

// The bind mounts of `config` (their source is outside the container's tree): at dump each is named by its
// destination; at restore the bundle-relative source is bound there again.
std::vector<criu::ExternalMount> external_bind_mounts(const config::Config& config, const std::string& bundle, bool restoring);
// The network namespace the container joined by path, if any.
const config::Namespace* joined_network_namespace(const config::Config& config);

// descriptors.json in the image directory: /proc/PID/fd/0..2 as the kernel names them ("pipe:[123]").
void save_standard_descriptors(int images_dir_fd, pid_t pid);
std::vector<std::string> saved_standard_descriptors(int images_dir_fd);

}  // namespace ocirt::runtime
