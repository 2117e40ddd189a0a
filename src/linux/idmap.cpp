#include "linux/idmap.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::linux_ {
namespace {

// user_namespaces(7): each map is taken in a single write(2); returns 0 or the errno.
int write_proc_file(const std::string& path, const std::string& text) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return errno;
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0) return errno;
    return n == static_cast<ssize_t>(text.size()) ? 0 : EIO;
}

void write_map(pid_t pid, const char* file, const char* pointer, const std::vector<IdRange>& ranges, bool unprivileged) {
    std::string text = id_map_text(ranges);
    int err = write_proc_file("/proc/" + std::to_string(pid) + "/" + file, text);
    if (err == 0) return;
    std::string shown = text.substr(0, text.size() - 1);
    for (auto& c : shown)
        if (c == '\n') c = ';';
    std::string message = std::string(pointer) + ": the kernel refused " + file + " \"" + shown + "\"";
    // user_namespaces(7): without CAP_SETUID/CAP_SETGID in the parent namespace, only one line mapping the
    // writer's own effective id may be written.
    if (unprivileged && err == EPERM) message += " (an unprivileged user can map only its own id, with size 1)";
    throw Error(message, err, pointer);
}

}  // namespace

std::vector<IdRange> parse_id_map(const std::string& text) {
    std::vector<IdRange> ranges;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        uint64_t inside = 0, outside = 0, count = 0;
        if (!(words >> inside >> outside >> count) || inside > UINT32_MAX || outside > UINT32_MAX || count > UINT32_MAX)
            continue;
        ranges.push_back({static_cast<uint32_t>(inside), static_cast<uint32_t>(outside), static_cast<uint32_t>(count)});
    }
    return ranges;
}

bool is_initial_id_map(const std::vector<IdRange>& ranges) {
    return ranges.size() == 1 && ranges[0].container_id == 0 && ranges[0].host_id == 0 &&
           ranges[0].size == UINT32_MAX;
}

std::optional<uint32_t> parent_id_of(uint32_t id, const std::vector<IdRange>& ranges) {
    for (const auto& r : ranges)
        if (id >= r.container_id && id - r.container_id < r.size) return r.host_id + (id - r.container_id);
    return std::nullopt;
}

std::vector<IdRange> own_uid_map() {
    std::ifstream file("/proc/self/uid_map");
    std::stringstream text;
    text << file.rdbuf();
    return parse_id_map(text.str());
}

std::string id_map_text(const std::vector<IdRange>& ranges) {
    std::string text;
    for (const auto& r : ranges)
        text += std::to_string(r.container_id) + " " + std::to_string(r.host_id) + " " + std::to_string(r.size) + "\n";
    return text;
}

void write_id_maps(pid_t pid, const IdMaps& maps) {
    bool unprivileged = ::geteuid() != 0;
    if (maps.deny_setgroups) {
        // user_namespaces(7): an unprivileged gid_map write needs setgroups(2) denied in the namespace first.
        int err = write_proc_file("/proc/" + std::to_string(pid) + "/setgroups", "deny");
        if (err != 0) throw Error("write /proc/" + std::to_string(pid) + "/setgroups", err);
    }
    write_map(pid, "uid_map", "/linux/uidMappings", maps.uid, unprivileged);
    write_map(pid, "gid_map", "/linux/gidMappings", maps.gid, unprivileged);
}

}  // namespace ocirt::linux_
