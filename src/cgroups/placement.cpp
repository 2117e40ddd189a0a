#include "cgroups/placement.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <optional>

#include "cgroups/file_io.hpp"
#include "cgroups/poll.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {
namespace fs = std::filesystem;
namespace {

constexpr auto kRmdirTimeout = std::chrono::milliseconds(2000);

// True when this call made the directory.
bool mkdir_cgroup(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0755) == 0) return true;
    if (errno != EEXIST) throw SysError("mkdir " + ocirt::quoted(dir));
    return false;
}

// A new v1 cpuset cgroup starts with empty cpus and mems and takes no task until both are set (cpuset(7)).
// One this call made gets its parent's values without reading its own first: where the parent's
// cgroup.clone_children is set, the kernel has copied those same values.
void inherit_cpuset(const std::string& dir, bool made_now) {
    for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        std::string own = dir + "/" + file;
        if (made_now) {
            if (::access(own.c_str(), F_OK) != 0) continue;
        } else {
            auto current = try_read_text(own);
            if (!current || !trimmed(*current).empty()) continue;
        }
        std::string parent = fs::path(dir).parent_path().string() + "/" + file;
        write_text(own, trimmed(read_text(parent)));
    }
}

void make_placement_directories(Placement& p) {
    const bool cpuset = p.hierarchy.has_controller("cpuset");
    std::vector<std::string> levels;
    for (const auto& part : fs::path(p.cgroup).relative_path())
        levels.push_back((levels.empty() ? "" : levels.back()) + "/" + part.string());
    if (levels.empty()) return;
    // Most parents exist already: the leaf alone is tried first, and the levels above only when it
    // cannot be made for want of them. Every cpuset level is checked (see inherit_cpuset).
    if (!cpuset) {
        if (::mkdir((p.hierarchy.mount_point + levels.back()).c_str(), 0755) == 0) {
            if (p.created_from.empty()) p.created_from = levels.back();
            return;
        }
        if (errno == EEXIST) return;
        if (errno != ENOENT) throw SysError("mkdir " + ocirt::quoted(p.hierarchy.mount_point + levels.back()));
    }
    for (const auto& cgroup : levels) {
        std::string dir = p.hierarchy.mount_point + cgroup;
        bool made = mkdir_cgroup(dir);
        if (made && p.created_from.empty()) p.created_from = cgroup;
        if (cpuset) inherit_cpuset(dir, made);
    }
}

void collect_pids(const std::string& dir, std::vector<pid_t>& out) {
    auto procs = try_read_text(dir + "/cgroup.procs");
    if (!procs) return;
    size_t pos = 0;
    while (pos < procs->size()) {
        size_t end = procs->find('\n', pos);
        if (end == std::string::npos) end = procs->size();
        std::string word = trimmed(procs->substr(pos, end - pos));
        if (!word.empty()) out.push_back(static_cast<pid_t>(std::stol(word)));
        pos = end + 1;
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_directory(ec)) collect_pids(entry.path().string(), out);
}

// rmdir(2) of a cgroup fails with EBUSY while it still holds a task or a child cgroup; exiting tasks
// leave it shortly after they die, so wait a little.
void remove_cgroup_tree(const std::string& dir) {
    // A leaf no task is left in, the usual case, needs no listing first.
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_directory(ec)) remove_cgroup_tree(entry.path().string());
    int err = 0;
    poll_until(
        [&] {
            err = ::rmdir(dir.c_str()) == 0 ? 0 : errno;
            return err != EBUSY;
        },
        kRmdirTimeout);
    if (err != 0 && err != ENOENT) throw SysError("rmdir " + ocirt::quoted(dir), err);
}

// The parents make_directories made, nearest first; one that another container still uses stays (EBUSY).
void remove_created_parents(const Placement& p) {
    if (p.created_from.empty() || p.created_from == p.cgroup) return;
    if (p.cgroup.compare(0, p.created_from.size() + 1, p.created_from + "/") != 0) return;
    for (fs::path cgroup = fs::path(p.cgroup).parent_path(); cgroup.string().size() >= p.created_from.size();
         cgroup = cgroup.parent_path()) {
        std::string dir = p.hierarchy.mount_point + cgroup.string();
        if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) return;
        if (cgroup == "/") return;
    }
}

}  // namespace

const Placement* v1_placement_with(const std::vector<Placement>& placements, std::string_view controller) {
    for (const auto& p : placements)
        if (!p.hierarchy.unified && p.hierarchy.has_controller(controller)) return &p;
    return nullptr;
}

const Placement* unified_placement(const std::vector<Placement>& placements) {
    for (const auto& p : placements)
        if (p.hierarchy.unified) return &p;
    return nullptr;
}

Hierarchy::Mode mode_of(const std::vector<Placement>& placements) {
    bool v1 = false, v2 = false;
    for (const auto& p : placements) (p.hierarchy.unified ? v2 : v1) = true;
    if (v1) return v2 ? Hierarchy::Mode::hybrid : Hierarchy::Mode::v1;
    return v2 ? Hierarchy::Mode::v2 : Hierarchy::Mode::none;
}

RecordedCgroup record_of(const std::vector<Placement>& placements) {
    RecordedCgroup r;
    for (const auto& p : placements)
        r.paths.push_back({p.hierarchy.key(), p.hierarchy.mount_point, p.cgroup, p.created_from});
    return r;
}

std::vector<Placement> placements_of(const RecordedCgroup& recorded) {
    std::vector<Placement> placements;
    for (const auto& path : recorded.paths)
        placements.push_back({HierarchyMount::from_key(path.hierarchy, path.mount_point), path.cgroup, path.created_from});
    return placements;
}

void make_directories(std::vector<Placement>& placements) {
    for (auto& p : placements)
        with_context("cgroup " + ocirt::quoted(p.hierarchy.key()), [&] { make_placement_directories(p); });
}

void write_procs(const std::vector<Placement>& placements, pid_t pid) {
    for (const auto& p : placements)
        with_context("cgroup " + ocirt::quoted(p.hierarchy.key()),
                     [&] { write_text(p.directory() + "/cgroup.procs", std::to_string(pid)); });
}

std::vector<pid_t> pids_below(const std::string& directory) {
    std::vector<pid_t> out;
    collect_pids(directory, out);
    return out;
}

void remove_directories(const std::vector<Placement>& placements) {
    std::optional<Error> first;
    for (const auto& p : placements) {
        try {
            remove_cgroup_tree(p.directory());
            remove_created_parents(p);
        } catch (const Error& e) {
            if (!first) first = e;
        }
    }
    if (first) throw *first;
}

}  // namespace ocirt::cgroups
