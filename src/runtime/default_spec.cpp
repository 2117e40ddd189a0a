#include "runtime/default_spec.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "config/version.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::runtime {
namespace {

using ojson = nlohmann::ordered_json;

ojson mount(const char* destination, const char* type, const char* source, std::vector<std::string> options = {}) {
    ojson m = {{"destination", destination}, {"type", type}, {"source", source}};
    if (!options.empty()) m["options"] = options;
    return m;
}

}  // namespace

ojson default_spec(bool rootless, uid_t uid, gid_t gid) {
    const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    std::vector<std::string> devpts = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
    if (!rootless) devpts.push_back("gid=5");
    ojson mounts = ojson::array({
        mount("/proc", "proc", "proc"),
        mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount("/dev/pts", "devpts", "devpts", devpts),
        mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
        mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
        // A user namespace may not mount sysfs without owning the network namespace: bind the host's.
        rootless ? mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"})
                 : mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
    });
    // cgroups(7): a cgroup mount needs a cgroup namespace owned by the user namespace; rootless, the /sys
    // rbind already shows the host's hierarchies.
    if (!rootless)
        mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    ojson namespaces = ojson::array();
    for (const char* type : {"pid", "network", "ipc", "uts", "mount"})
        if (!rootless || std::string(type) != "network") namespaces.push_back({{"type", type}});
    if (rootless) namespaces.push_back({{"type", "user"}});

    ojson linux_ = ojson::object();
    if (rootless) {
        linux_["uidMappings"] = ojson::array({{{"containerID", 0}, {"hostID", uid}, {"size", 1}}});
        linux_["gidMappings"] = ojson::array({{{"containerID", 0}, {"hostID", gid}, {"size", 1}}});
    } else {
        linux_["resources"] = {{"devices", ojson::array({{{"allow", false}, {"access", "rwm"}}})}};
    }
    linux_["namespaces"] = namespaces;
    linux_["maskedPaths"] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                             "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                             "/proc/scsi"};
    linux_["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

    ojson spec;
    spec["ociVersion"] = config::kOciVersion;
    spec["process"] = {
        {"terminal", true},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", {"sh"}},
        {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
        {"cwd", "/"},
        {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}, {"ambient", caps}}},
        {"rlimits", ojson::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
        {"noNewPrivileges", true},
    };
    spec["root"] = {{"path", "rootfs"}, {"readonly", true}};
    spec["hostname"] = "ocirt";
    spec["mounts"] = mounts;
    spec["linux"] = linux_;
    return spec;
}

void write_default_spec(const std::string& bundle, bool rootless) {
    std::string path = (bundle.empty() ? std::string(".") : bundle) + "/config.json";
    // O_EXCL: an existing config.json is never replaced, even by a concurrent writer.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
    if (!fd) {
        if (errno == EEXIST) throw Error("file " + ocirt::quoted(path) + " exists; remove it first");
        throw SysError("create " + ocirt::quoted(path));
    }
    std::string text = default_spec(rootless, ::geteuid(), ::getegid()).dump(1, '\t');
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::unlink(path.c_str());
            throw SysError("write " + ocirt::quoted(path), err);
        }
        done += static_cast<size_t>(n);
    }
}

}  // namespace ocirt::runtime
