#include "container_helpers.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "cgroup_paths.hpp"

namespace ocirt::test {
namespace fs = std::filesystem;

Result run_to_files(const Ocirt& ocirt, const std::vector<std::string>& args, const std::string& out_file,
                    const std::string& err_file) {
    std::vector<std::string> argv = {ocirt_binary(), "--root", ocirt.root()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program_to_files(argv, out_file, err_file);
}

Result run_script(const Ocirt& ocirt, Bundle& bundle, const std::string& script, const std::vector<std::string>& extra_args) {
    bundle.shell(script);
    bundle.write();
    std::vector<std::string> args = {"run", "--bundle", bundle.path()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    args.push_back(unique_id("run"));
    return ocirt(args);
}

void drop_namespace(Bundle& bundle, const std::string& type) {
    auto& list = bundle.config["linux"]["namespaces"];
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& ns : list)
        if (ns["type"] != type) kept.push_back(ns);
    list = kept;
}

std::string host_namespace(const std::string& type) {
    return fs::read_symlink("/proc/self/ns/" + type).string();
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0; }

std::vector<pid_t> processes_where(const std::function<bool(pid_t)>& match) {
    std::vector<pid_t> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/proc", ec)) {
        std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        pid_t pid = std::stoi(name);
        if (pid != ::getpid() && match(pid)) found.push_back(pid);
    }
    return found;
}

std::vector<pid_t> processes_mentioning(const std::string& needle) {
    return processes_where([&](pid_t pid) {
        return read_file("/proc/" + std::to_string(pid) + "/cmdline").find(needle) != std::string::npos;
    });
}

std::vector<std::string> cgroups_named(const std::string& name) {
    std::vector<std::string> found;
    std::error_code ec;
    fs::recursive_directory_iterator it("/sys/fs/cgroup", fs::directory_options::skip_permission_denied, ec), end;
    for (; it != end; it.increment(ec)) {
        if (ec) break;
        if (it.depth() > 4) {
            it.disable_recursion_pending();
            continue;
        }
        // With OCIRT_TEST_CGROUP_DRIVER=systemd the container named `name` lives in the scope named after it.
        std::string file = it->path().filename().string();
        if (it->is_directory(ec) && (file == name || (systemd_cgroup_driver() && file == systemd_scope_of(name))))
            found.push_back(it->path().string());
    }
    return found;
}

std::string v1_blkio_weight_file() {
    std::string blkio = v1_mount("blkio");
    if (blkio.empty()) return "";
    for (const char* file : {"blkio.weight", "blkio.bfq.weight"})
        if (fs::exists(blkio + "/" + file)) return file;
    return "";
}

}  // namespace ocirt::test
