#include "cgroups/manager.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cgroups/file_io.hpp"
#include "util/error.hpp"
#include "util/scope_exit.hpp"

namespace ocirt::cgroups {
namespace fs = std::filesystem;
namespace {

constexpr auto kPollStep = std::chrono::milliseconds(2);
constexpr auto kFreezeTimeout = std::chrono::seconds(2);
constexpr auto kRmdirTimeout = std::chrono::seconds(2);

template <class Pred>
bool poll_until(Pred done, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(kPollStep);
    }
}

// True when this call made the directory.
bool mkdir_one(const std::string& dir) {
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
        std::chrono::duration_cast<std::chrono::milliseconds>(kRmdirTimeout));
    if (err != 0 && err != ENOENT) throw SysError("rmdir " + ocirt::quoted(dir), err);
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// The parents create() made, nearest first; one that another container still uses stays (EBUSY).
void remove_created_parents(const Manager::Placement& p) {
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

Manager Manager::for_container(const std::optional<std::string>& cgroups_path, const std::string& id,
                               const Hierarchy& hierarchy) {
    std::string requested = cgroups_path && !cgroups_path->empty() ? *cgroups_path : id;
    bool absolute = requested.front() == '/';
    Manager m;
    for (const auto& h : hierarchy.all()) {
        std::string cgroup = absolute ? clean_cgroup_path(requested)
                                      : clean_cgroup_path(h.own_cgroup + clean_cgroup_path(requested));
        if (cgroup == "/")
            throw Error("cgroup path " + ocirt::quoted(requested) + " resolves to the root cgroup of " + ocirt::quoted(h.mount_point));
        m.placements_.push_back({h, cgroup, {}});
    }
    m.encode_path();
    return m;
}

Manager Manager::from_state(const std::string& recorded_path, const Hierarchy& hierarchy) {
    Manager m;
    m.recorded_ = recorded_path;
    if (recorded_path.empty()) return m;
    if (recorded_path.front() == '{') {
        nlohmann::json paths;
        try {
            paths = nlohmann::json::parse(recorded_path);
        } catch (const nlohmann::json::exception& e) {
            throw Error("recorded cgroup path " + ocirt::quoted(recorded_path) + ": " + e.what());
        }
        for (const auto& h : hierarchy.all()) {
            auto it = paths.find(h.key());
            if (it != paths.end() && it->is_string()) m.placements_.push_back({h, it->get<std::string>(), {}});
        }
        return m;
    }
    for (const auto& h : hierarchy.all()) m.placements_.push_back({h, recorded_path, {}});
    return m;
}

// One path when every placement has the same, else {"<hierarchy key>": "<path>", ...}.
std::string Manager::encode(std::string Placement::*field) const {
    bool uniform = true;
    for (const auto& p : placements_) uniform = uniform && p.*field == placements_.front().*field;
    if (placements_.empty()) return {};
    if (uniform) return placements_.front().*field;
    nlohmann::json paths = nlohmann::json::object();
    for (const auto& p : placements_) paths[p.hierarchy.key()] = p.*field;
    return paths.dump();
}

void Manager::encode_path() { recorded_ = encode(&Placement::cgroup); }

std::string Manager::created_from() const { return encode(&Placement::created_from); }

void Manager::set_created_from(const std::string& recorded) {
    if (recorded.empty() || recorded.front() != '{') {
        for (auto& p : placements_) p.created_from = recorded;
        return;
    }
    nlohmann::json paths;
    try {
        paths = nlohmann::json::parse(recorded);
    } catch (const nlohmann::json::exception& e) {
        throw Error("recorded cgroup parents " + ocirt::quoted(recorded) + ": " + e.what());
    }
    for (auto& p : placements_) {
        auto it = paths.find(p.hierarchy.key());
        p.created_from = it != paths.end() && it->is_string() ? it->get<std::string>() : std::string();
    }
}

void Manager::create() {
    if (!systemd_) make_directories();
}

void Manager::make_directories() {
    for (auto& p : placements_) {
        with_context("cgroup " + ocirt::quoted(p.hierarchy.key()), [&] {
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
                bool made = mkdir_one(dir);
                if (made && p.created_from.empty()) p.created_from = cgroup;
                if (cpuset) inherit_cpuset(dir, made);
            }
        });
    }
}

void Manager::add_process(pid_t pid) {
    if (systemd_ && !systemd_started())
        start_systemd_unit(pid);
    else
        write_procs(pid);
}

void Manager::write_procs(pid_t pid) {
    for (const auto& p : placements_)
        with_context("cgroup " + ocirt::quoted(p.hierarchy.key()),
                     [&] { write_text(p.directory() + "/cgroup.procs", std::to_string(pid)); });
}

const Manager::Placement* Manager::freezer() const {
    for (const auto& p : placements_)
        if (p.hierarchy.has_controller("freezer")) return &p;
    return nullptr;
}

const Manager::Placement* Manager::unified() const {
    for (const auto& p : placements_)
        if (p.hierarchy.unified) return &p;
    return nullptr;
}

const Manager::Placement* Manager::pids_source() const {
    if (const auto* f = freezer()) return f;
    if (!placements_.empty()) return &placements_.front();
    return nullptr;
}

std::vector<pid_t> Manager::pids() const {
    std::vector<pid_t> out;
    if (const auto* p = pids_source()) collect_pids(p->directory(), out);
    return out;
}

bool Manager::frozen() const {
    if (const auto* f = freezer()) {
        auto state = try_read_text(f->directory() + "/freezer.state");
        if (state && trimmed(*state) == "FROZEN") return true;
    }
    if (const auto* u = unified()) {
        auto events = try_read_text(u->directory() + "/cgroup.events");
        if (events && events->find("frozen 1") != std::string::npos) return true;
    }
    return false;
}

// v1: freezer.state FREEZING → FROZEN (cgroups v1 freezer-subsystem.txt); v2: cgroup.freeze, and
// cgroup.events says "frozen 1" once every task stopped (cgroup-v2.rst "Core Interface Files").
void Manager::set_frozen(bool frozen) {
    if (const auto* f = freezer()) {
        std::string file = f->directory() + "/freezer.state";
        write_text(file, frozen ? "FROZEN" : "THAWED");
        if (frozen && !poll_until([&] { return trimmed(try_read_text(file).value_or("FROZEN")) == "FROZEN"; },
                                  std::chrono::duration_cast<std::chrono::milliseconds>(kFreezeTimeout)))
            throw Error("cgroup " + ocirt::quoted(f->directory()) + " did not freeze in time");
        return;
    }
    const auto* u = unified();
    if (!u || !exists(u->directory() + "/cgroup.freeze")) return;
    write_text(u->directory() + "/cgroup.freeze", frozen ? "1" : "0");
    if (frozen && !poll_until(
                      [&] {
                          auto events = try_read_text(u->directory() + "/cgroup.events");
                          return !events || events->find("frozen 1") != std::string::npos;
                      },
                      std::chrono::duration_cast<std::chrono::milliseconds>(kFreezeTimeout)))
        throw Error("cgroup " + ocirt::quoted(u->directory()) + " did not freeze in time");
}

bool Manager::can_freeze() const {
    if (freezer()) return true;
    const auto* u = unified();
    return u && exists(u->directory() + "/cgroup.freeze");
}

void Manager::freeze() {
    if (!can_freeze()) throw Error("no freezer: the cgroup has no v1 freezer controller and no cgroup.freeze file");
    set_frozen(true);
}

void Manager::thaw() {
    if (!can_freeze()) throw Error("no freezer: the cgroup has no v1 freezer controller and no cgroup.freeze file");
    set_frozen(false);
}

void Manager::signal_all(int sig) {
    if (sig == SIGKILL) {
        const auto* u = unified();
        // cgroup-v2.rst: writing "1" to cgroup.kill SIGKILLs every process in the cgroup and its children.
        if (u && (!freezer() || placements_.size() == 1) && exists(u->directory() + "/cgroup.kill")) {
            write_text(u->directory() + "/cgroup.kill", "1");
            return;
        }
    }
    bool was_frozen = frozen();
    if (!was_frozen) {
        try {
            set_frozen(true);
        } catch (const Error&) {
            // A task already dying of another SIGKILL can keep a v1 freezer FREEZING past
            // the timeout. SIGKILL needs no freeze: thaw, then kill what is listed until nothing is.
            if (sig != SIGKILL) throw;
            try {
                set_frozen(false);
            } catch (const Error&) {
            }
            poll_until(
                [&] {
                    auto listed = pids();
                    for (pid_t pid : listed) ::kill(pid, SIGKILL);
                    return listed.empty();
                },
                std::chrono::duration_cast<std::chrono::milliseconds>(kFreezeTimeout));
            return;
        }
    }
    // A frozen task only dies of SIGKILL once thawed, so a kill always leaves the cgroup thawed.
    ScopeExit thaw([&] {
        if (!was_frozen || sig == SIGKILL) {
            try {
                set_frozen(false);
            } catch (const Error&) {
            }
        }
    });
    for (pid_t pid : pids())
        if (::kill(pid, sig) != 0 && errno != ESRCH) throw SysError("kill " + std::to_string(pid));
}

void Manager::destroy() {
    std::optional<Error> stop_failure;
    if (systemd_) {
        try {
            with_context("systemd", [&] { stop_systemd_unit(); });
        } catch (const Error& e) {
            stop_failure = e;
        }
    }
    remove_directories();
    if (stop_failure) throw *stop_failure;
}

void Manager::remove_directories() {
    std::optional<Error> first;
    for (const auto& p : placements_) {
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
