#include "runtime/checkpoint_image.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>

#include "plan/mount_plan.hpp"
#include "util/error.hpp"
#include "util/fs.hpp"

namespace ocirt::runtime {
namespace {

constexpr const char* kDescriptorsFile = "descriptors.json";

std::string absolute(const std::string& path) { return std::filesystem::absolute(path).lexically_normal().string(); }

UniqueFd open_directory(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw SysError("open " + ocirt::quoted(path));
    return UniqueFd(fd);
}

void make_directories(const std::string& path) {
    std::error_code ec;
    bool made = std::filesystem::create_directories(path, ec);
    if (ec) throw Error("make " + ocirt::quoted(path) + ": " + ec.message());
    // The images hold the memory of every process: a directory made here is its owner's alone.
    if (made && ::chmod(path.c_str(), 0700) < 0) throw SysError("chmod " + ocirt::quoted(path));
}

// criu(8) --empty-ns takes the network namespace only.
unsigned empty_namespace_flags(const std::vector<std::string>& types) {
    unsigned flags = 0;
    for (const auto& type : types) {
        if (type != "network") throw Error("--empty-ns " + ocirt::quoted(type) + ": CRIU can leave only the network namespace empty");
        flags |= CLONE_NEWNET;
    }
    return flags;
}

bool is_bind(const config::Mount& mount) {
    return mount.type == "bind" || std::any_of(mount.options.begin(), mount.options.end(),
                                               [](const std::string& o) { return o == "bind" || o == "rbind"; });
}

}  // namespace

CriuDirectories open_criu_directories(const CriuRequest& request, bool create_images) {
    CriuDirectories dirs;
    dirs.images_path = absolute(request.image_path.empty() ? "checkpoint" : request.image_path);
    if (create_images) make_directories(dirs.images_path);
    dirs.images = with_context("image path", [&] { return open_directory(dirs.images_path); });
    dirs.work_path = request.work_path.empty() ? dirs.images_path : absolute(request.work_path);
    if (!request.work_path.empty()) make_directories(dirs.work_path);
    dirs.work = with_context("work path", [&] { return open_directory(dirs.work_path); });
    return dirs;
}

criu::Options common_criu_options(const CriuRequest& request, const CriuDirectories& dirs, const std::string& log_file) {
    criu::Options o;
    o.images_dir_fd = dirs.images.get();
    o.work_dir_fd = dirs.work.get();
    o.work_dir = dirs.work_path;
    o.log_file = log_file;
    o.tcp_established = request.tcp_established;
    o.ext_unix_sk = request.ext_unix_sk;
    o.shell_job = request.shell_job;
    o.file_locks = request.file_locks;
    if (!request.manage_cgroups_mode.empty()) {
        o.cgroup_mode = criu::cgroup_mode_named(request.manage_cgroups_mode);
        if (!o.cgroup_mode)
            throw Error("--manage-cgroups-mode " + ocirt::quoted(request.manage_cgroups_mode) +
                        ": must be soft, full, strict or ignore");
    }
    o.empty_namespaces = empty_namespace_flags(request.empty_ns);
    return o;
}

std::vector<criu::ExternalMount> external_bind_mounts(const config::Config& config, const std::string& bundle, bool restoring) {
    std::vector<criu::ExternalMount> out;
    for (const auto& mount : config.mounts) {
        if (!is_bind(mount) || !mount.source) continue;
        std::string value = restoring ? plan::absolute_in(bundle, *mount.source) : mount.destination;
        out.push_back({mount.destination, value});
    }
    return out;
}

const config::Namespace* joined_network_namespace(const config::Config& config) {
    if (!config.linux_) return nullptr;
    for (const auto& ns : config.linux_->namespaces)
        if (ns.type == "network" && ns.path && !ns.path->empty()) return &ns;
    return nullptr;
}

void save_standard_descriptors(int images_dir_fd, pid_t pid) {
    nlohmann::json names = nlohmann::json::array();
    for (int fd = 0; fd <= 2; ++fd) {
        std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
        char target[4096];
        ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
        // A descriptor the init does not have stays an empty name: nothing to give it at restore.
        if (n < 0 && errno != ENOENT) throw SysError("readlink " + ocirt::quoted(link));
        names.push_back(n < 0 ? std::string() : std::string(target, static_cast<size_t>(n)));
    }
    write_atomic(images_dir_fd, "image path", kDescriptorsFile, names.dump(), 0600);
}

std::vector<std::string> saved_standard_descriptors(int images_dir_fd) {
    int fd = ::openat(images_dir_fd, kDescriptorsFile, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw SysError(std::string("open ") + kDescriptorsFile + " in the image path (not written by `ocirt checkpoint`?)");
    UniqueFd file(fd);
    std::optional<std::string> text = read_all(file.get());
    if (!text) throw SysError(std::string("read ") + kDescriptorsFile);
    nlohmann::json names = nlohmann::json::parse(*text, nullptr, false);
    std::vector<std::string> out;
    if (!names.is_array()) throw Error(std::string(kDescriptorsFile) + " in the image path is not a JSON array");
    for (const auto& name : names) out.push_back(name.is_string() ? name.get<std::string>() : std::string());
    return out;
}

}  // namespace ocirt::runtime
