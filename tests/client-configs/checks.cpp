#include "checks.hpp"

#include "../integration/harness.hpp"

#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>


namespace ocirt::replay {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The capability numbers of linux/capability.h, for the masks /proc/PID/status prints.
const std::map<std::string, int>& capability_numbers() {
    static const std::map<std::string, int> numbers = {
        {"CAP_CHOWN", 0}, {"CAP_DAC_OVERRIDE", 1}, {"CAP_DAC_READ_SEARCH", 2}, {"CAP_FOWNER", 3},
        {"CAP_FSETID", 4}, {"CAP_KILL", 5}, {"CAP_SETGID", 6}, {"CAP_SETUID", 7}, {"CAP_SETPCAP", 8},
        {"CAP_LINUX_IMMUTABLE", 9}, {"CAP_NET_BIND_SERVICE", 10}, {"CAP_NET_BROADCAST", 11},
        {"CAP_NET_ADMIN", 12}, {"CAP_NET_RAW", 13}, {"CAP_IPC_LOCK", 14}, {"CAP_IPC_OWNER", 15},
        {"CAP_SYS_MODULE", 16}, {"CAP_SYS_RAWIO", 17}, {"CAP_SYS_CHROOT", 18}, {"CAP_SYS_PTRACE", 19},
        {"CAP_SYS_PACCT", 20}, {"CAP_SYS_ADMIN", 21}, {"CAP_SYS_BOOT", 22}, {"CAP_SYS_NICE", 23},
        {"CAP_SYS_RESOURCE", 24}, {"CAP_SYS_TIME", 25}, {"CAP_SYS_TTY_CONFIG", 26}, {"CAP_MKNOD", 27},
        {"CAP_LEASE", 28}, {"CAP_AUDIT_WRITE", 29}, {"CAP_AUDIT_CONTROL", 30}, {"CAP_SETFCAP", 31},
        {"CAP_MAC_OVERRIDE", 32}, {"CAP_MAC_ADMIN", 33}, {"CAP_SYSLOG", 34}, {"CAP_WAKE_ALARM", 35},
        {"CAP_BLOCK_SUSPEND", 36}, {"CAP_AUDIT_READ", 37}, {"CAP_PERFMON", 38}, {"CAP_BPF", 39},
        {"CAP_CHECKPOINT_RESTORE", 40}};
    return numbers;
}

std::string capability_mask(const json& names) {
    unsigned long long mask = 0;
    if (names.is_array())
        for (const auto& name : names) {
            auto it = capability_numbers().find(name.get<std::string>());
            if (it != capability_numbers().end()) mask |= 1ULL << it->second;
        }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", mask);
    return text;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> found;
    std::stringstream in(line);
    for (std::string word; in >> word;) found.push_back(word);
    return found;
}

std::string status_field(const ProbeOutput& out, const std::string& name) {
    for (const auto& line : out.section("status"))
        if (line.rfind(name + ":", 0) == 0) {
            auto value = line.substr(name.size() + 1);
            auto start = value.find_first_not_of(" \t");
            return start == std::string::npos ? "" : value.substr(start);
        }
    return "";
}

std::set<long> numbers_of(const std::string& text) {
    std::set<long> found;
    for (const auto& word : words(text)) found.insert(std::stol(word));
    return found;
}

// One /proc/PID/mountinfo line: mount point, per-mount options, optional fields (shared:N, master:N), fs type.
struct MountLine {
    std::string point, options, fstype;
    std::vector<std::string> tags;
};

std::vector<MountLine> parse_mountinfo(const std::vector<std::string>& lines) {
    std::vector<MountLine> mounts;
    for (const auto& line : lines) {
        auto fields = words(line);
        if (fields.size() < 10) continue;
        MountLine m;
        m.point = fields[4];
        m.options = fields[5];
        size_t i = 6;
        for (; i < fields.size() && fields[i] != "-"; ++i) m.tags.push_back(fields[i]);
        if (i + 1 < fields.size()) m.fstype = fields[i + 1];
        mounts.push_back(m);
    }
    return mounts;
}

std::string clean_path(const std::string& point) {
    std::string clean = fs::path(point).lexically_normal().string();
    if (clean.size() > 1 && clean.back() == '/') clean.pop_back();
    return clean;
}

// The topmost mount at `point` (mountinfo lists mounts in the order they were made).
const MountLine* mount_at(const std::vector<MountLine>& mounts, const std::string& point) {
    const MountLine* found = nullptr;
    for (const auto& m : mounts)
        if (m.point == clean_path(point)) found = &m;
    return found;
}

// The index-th mount at `point`, or the topmost when there are fewer.
const MountLine* mount_at(const std::vector<MountLine>& mounts, const std::string& point, size_t index) {
    size_t at = 0;
    for (const auto& m : mounts)
        if (m.point == clean_path(point) && at++ == index) return &m;
    return mount_at(mounts, point);
}

bool has_tag(const MountLine& m, const std::string& prefix) {
    for (const auto& tag : m.tags)
        if (tag.rfind(prefix, 0) == 0) return true;
    return false;
}

bool contains(const json& list, const std::string& word) {
    if (!list.is_array()) return false;
    for (const auto& item : list)
        if (item.is_string() && item.get<std::string>() == word) return true;
    return false;
}

std::string describe_tags(const MountLine& m) {
    std::string text;
    for (const auto& tag : m.tags) text += (text.empty() ? "" : " ") + tag;
    return text.empty() ? "(private)" : text;
}

// Propagation asked by a mount's options (the last word wins, as runtimes apply them in order).
std::string propagation_of(const json& options) {
    std::string found;
    if (!options.is_array()) return found;
    for (const auto& option : options) {
        std::string word = option.get<std::string>();
        if (word == "rslave" || word == "slave") found = "slave";
        if (word == "rshared" || word == "shared") found = "shared";
        if (word == "rprivate" || word == "private") found = "private";
    }
    return found;
}

void check_propagation(std::vector<std::string>& problems, const std::string& what, const MountLine& m,
                       const std::string& wanted) {
    bool ok = wanted == "slave"    ? has_tag(m, "master:") && !has_tag(m, "shared:")
              : wanted == "shared" ? has_tag(m, "shared:")
                                   : !has_tag(m, "shared:") && !has_tag(m, "master:");
    if (!ok) problems.push_back(what + ": propagation " + wanted + " asked, mountinfo shows " + describe_tags(m));
}

const std::map<std::string, std::string>& limit_rows() {
    static const std::map<std::string, std::string> rows = {
        {"RLIMIT_CPU", "Max cpu time"},         {"RLIMIT_FSIZE", "Max file size"},
        {"RLIMIT_DATA", "Max data size"},       {"RLIMIT_STACK", "Max stack size"},
        {"RLIMIT_CORE", "Max core file size"},  {"RLIMIT_RSS", "Max resident set"},
        {"RLIMIT_NPROC", "Max processes"},      {"RLIMIT_NOFILE", "Max open files"},
        {"RLIMIT_MEMLOCK", "Max locked memory"}, {"RLIMIT_AS", "Max address space"},
        {"RLIMIT_LOCKS", "Max file locks"},     {"RLIMIT_SIGPENDING", "Max pending signals"},
        {"RLIMIT_MSGQUEUE", "Max msgqueue size"}, {"RLIMIT_NICE", "Max nice priority"},
        {"RLIMIT_RTPRIO", "Max realtime priority"}, {"RLIMIT_RTTIME", "Max realtime timeout"}};
    return rows;
}

std::string limit_text(unsigned long long value) {
    return value == ~0ULL ? "unlimited" : std::to_string(value);
}

const std::map<std::string, std::string>& namespace_links() {
    static const std::map<std::string, std::string> links = {
        {"network", "net"}, {"ipc", "ipc"}, {"uts", "uts"}, {"pid", "pid"},
        {"mount", "mnt"},   {"user", "user"}, {"cgroup", "cgroup"}};
    return links;
}

}  // namespace

std::vector<std::string> ProbeOutput::section(const std::string& name) const {
    std::vector<std::string> lines;
    bool inside = false;
    for (const auto& line : split_lines(text)) {
        if (line.rfind("@@", 0) == 0) {
            inside = line == "@@" + name;
            continue;
        }
        if (inside) lines.push_back(line);
    }
    return lines;
}

std::string ProbeOutput::first(const std::string& name) const {
    auto lines = section(name);
    return lines.empty() ? "" : lines.front();
}

std::vector<std::string> check_process(const json& process, const ProbeOutput& out) {
    std::vector<std::string> problems;
    const json& user = process.value("user", json::object());
    long uid = user.value("uid", 0L), gid = user.value("gid", 0L);
    auto uids = words(status_field(out, "Uid")), gids = words(status_field(out, "Gid"));
    if (uids.empty() || std::stol(uids[0]) != uid)
        problems.push_back("uid " + std::to_string(uid) + " asked, status Uid: " + status_field(out, "Uid"));
    if (gids.empty() || std::stol(gids[0]) != gid)
        problems.push_back("gid " + std::to_string(gid) + " asked, status Gid: " + status_field(out, "Gid"));
    std::set<long> wanted_groups;
    for (const auto& g : user.value("additionalGids", json::array())) wanted_groups.insert(g.get<long>());
    if (numbers_of(status_field(out, "Groups")) != wanted_groups)
        problems.push_back("additionalGids " + user.value("additionalGids", json::array()).dump() +
                           " asked, status Groups: " + status_field(out, "Groups"));
    if (process.value("cwd", "/") != out.first("cwd"))
        problems.push_back("cwd " + process.value("cwd", "/") + " asked, pwd says " + out.first("cwd"));
    std::set<std::string> environ;
    for (const auto& line : out.section("environ")) environ.insert(line);
    bool home_set = false;
    for (const auto& line : environ) home_set = home_set || (line.rfind("HOME=", 0) == 0 && line.size() > 5);
    for (const auto& entry : process.value("env", json::array()))
        // An empty HOME is filled from the user's passwd entry (runc does; podman exec sends "HOME=").
        if (entry.get<std::string>() == "HOME=" ? !home_set : !environ.count(entry.get<std::string>()))
            problems.push_back("env " + entry.get<std::string>() + " missing from the process's environment");
    const json& caps = process.value("capabilities", json::object());
    if (status_field(out, "CapBnd") != capability_mask(caps.value("bounding", json::array())))
        problems.push_back("bounding set " + capability_mask(caps.value("bounding", json::array())) +
                           " asked, CapBnd " + status_field(out, "CapBnd"));
    // Only uid 0 keeps its permitted and effective sets across the execve of the probe.
    if (uid == 0 && status_field(out, "CapEff") != capability_mask(caps.value("effective", json::array())))
        problems.push_back("effective set " + capability_mask(caps.value("effective", json::array())) +
                           " asked, CapEff " + status_field(out, "CapEff"));
    if (status_field(out, "CapAmb") != capability_mask(caps.value("ambient", json::array())))
        problems.push_back("ambient set asked " + capability_mask(caps.value("ambient", json::array())) +
                           ", CapAmb " + status_field(out, "CapAmb"));
    std::string nnp = process.value("noNewPrivileges", false) ? "1" : "0";
    if (status_field(out, "NoNewPrivs") != nnp)
        problems.push_back("noNewPrivileges " + nnp + " asked, status NoNewPrivs: " + status_field(out, "NoNewPrivs"));
    for (const auto& limit : process.value("rlimits", json::array())) {
        std::string type = limit.value("type", "");
        auto row = limit_rows().find(type);
        if (row == limit_rows().end()) continue;
        std::string wanted = limit_text(limit.value("soft", 0ULL)) + " " + limit_text(limit.value("hard", 0ULL));
        std::string seen;
        for (const auto& line : out.section("limits"))
            if (line.rfind(row->second, 0) == 0) {
                auto w = words(line.substr(row->second.size()));
                if (w.size() >= 2) seen = w[0] + " " + w[1];
            }
        if (seen != wanted) problems.push_back(type + " " + wanted + " asked, limits show " + seen);
    }
    if (process.contains("oomScoreAdj") &&
        out.first("oom_score_adj") != std::to_string(process["oomScoreAdj"].get<long>()))
        problems.push_back("oomScoreAdj " + std::to_string(process["oomScoreAdj"].get<long>()) +
                           " asked, oom_score_adj " + out.first("oom_score_adj"));
    bool terminal = process.value("terminal", false);
    if (terminal != (out.first("tty").rfind("/dev/pts/", 0) == 0))
        problems.push_back(std::string("terminal ") + (terminal ? "true" : "false") + " asked, tty says " + out.first("tty"));
    return problems;
}

std::vector<std::string> check_container(const json& config, const ProbeOutput& out, const HostFacts& host) {
    const json& linux = config.value("linux", json::object());
    auto problems = check_process(config.value("process", json::object()), out);
    auto mounts = parse_mountinfo(out.section("mountinfo"));
    std::set<std::string> existing;
    for (const auto& line : out.section("exists")) existing.insert(line);

    // The rootfs: read-only as asked, and the propagation of linux.rootfsPropagation.
    if (const MountLine* root = mount_at(mounts, "/")) {
        bool readonly = config.value("root", json::object()).value("readonly", false);
        if (readonly != (root->options.rfind("ro", 0) == 0))
            problems.push_back(std::string("root.readonly ") + (readonly ? "true" : "false") + " asked, / is " + root->options);
        std::string propagation = linux.value("rootfsPropagation", "");
        // runc makes the rootfs's parent private for pivot_root and so leaves / itself private under
        // "shared"; the mounts below show that propagation. slave and private show on / itself.
        if (!propagation.empty() && propagation_of(json::array({propagation})) != "shared")
            check_propagation(problems, "rootfsPropagation " + propagation + " on /", *root,
                              propagation_of(json::array({propagation})));
    } else {
        problems.push_back("no / in mountinfo");
    }
    if (config.contains("hostname") && out.first("hostname") != config["hostname"].get<std::string>())
        problems.push_back("hostname " + config["hostname"].get<std::string>() + " asked, hostname says " + out.first("hostname"));

    // Each mount: something mounted there, of the type asked, ro/rw and propagation as the options say. The
    // k-th config mount at a destination is the k-th mountinfo line there (CRI's sandbox stacks two on /dev/shm).
    std::map<std::string, size_t> seen_at;
    for (const auto& m : config.value("mounts", json::array())) {
        std::string destination = m.value("destination", "");
        std::string type = m.value("type", "");
        const json& options = m.value("options", json::array());
        const MountLine* line = mount_at(mounts, destination, seen_at[fs::path(destination).lexically_normal().string()]++);
        if (!line) {
            problems.push_back("mount " + destination + " (" + type + "): not in mountinfo");
            continue;
        }
        bool bind = type == "bind" || contains(options, "bind") || contains(options, "rbind");
        // runc and ocirt mount a v1 cgroup tree as a tmpfs of bind mounts; cgroup2 is its own type.
        if (!bind && type != "cgroup" && line->fstype != type)
            problems.push_back("mount " + destination + ": type " + type + " asked, mountinfo shows " + line->fstype);
        if (type == "cgroup" && contains(options, "ro")) {
            // On cgroup v1 the hierarchies are read-only mounts below a tmpfs, which runc leaves writable.
            for (const auto& below : mounts)
                if (below.point.rfind(clean_path(destination) + "/", 0) == 0 && below.options.rfind("ro", 0) != 0)
                    problems.push_back("mount " + destination + ": ro asked, " + below.point + " is " + below.options);
            if (line->fstype == "cgroup2" && line->options.rfind("ro", 0) != 0)
                problems.push_back("mount " + destination + ": ro asked, mountinfo shows " + line->options);
        } else if (contains(options, "ro") && line->options.rfind("ro", 0) != 0) {
            problems.push_back("mount " + destination + ": ro asked, mountinfo shows " + line->options);
        }
        if (contains(options, "rw") && line->options.rfind("rw", 0) != 0)
            problems.push_back("mount " + destination + ": rw asked, mountinfo shows " + line->options);
        std::string propagation = propagation_of(options);
        if (bind && !propagation.empty() && m.value("source", "").rfind(host.shared_prefix, 0) == 0)
            check_propagation(problems, "mount " + destination, *line, propagation);
    }
    // Masked paths that exist are mounts over; read-only paths that exist are read-only mounts.
    for (const auto& p : linux.value("maskedPaths", json::array())) {
        std::string path = p.get<std::string>();
        if (existing.count(path) && !mount_at(mounts, path)) problems.push_back("masked path " + path + " not masked");
    }
    for (const auto& p : linux.value("readonlyPaths", json::array())) {
        std::string path = p.get<std::string>();
        if (!existing.count(path)) continue;
        const MountLine* line = mount_at(mounts, path);
        if (!line || line->options.rfind("ro", 0) != 0) problems.push_back("readonly path " + path + " not read-only");
    }
    for (const auto& d : linux.value("devices", json::array()))
        if (!existing.count(d.value("path", ""))) problems.push_back("device " + d.value("path", "") + " missing");
    const json sysctl = linux.value("sysctl", json::object());
    for (const auto& [key, value] : sysctl.items()) {
        std::string seen;
        for (const auto& line : out.section("sysctl"))
            if (line.rfind(key + "=", 0) == 0) seen = line.substr(key.size() + 1);
        if (words(seen) != words(value.get<std::string>()))
            problems.push_back("sysctl " + key + "=" + value.get<std::string>() + " asked, reads " + seen);
    }
    std::string seccomp = status_field(out, "Seccomp");
    if (linux.contains("seccomp") != (seccomp == "2"))
        problems.push_back(std::string("seccomp ") + (linux.contains("seccomp") ? "asked" : "not asked") +
                           ", status Seccomp: " + seccomp);
    // Namespaces: a path is joined, a new one differs from the host's, an absent one is the host's.
    std::map<std::string, std::string> inside;
    for (const auto& line : out.section("ns")) {
        auto w = words(line);
        if (w.size() == 2) inside[w[0]] = w[1];
    }
    const json namespaces = linux.value("namespaces", json::array());
    for (const auto& [type, link] : namespace_links()) {
        const json* entry = nullptr;
        for (const auto& ns : namespaces)
            if (ns.value("type", "") == type) entry = &ns;
        std::error_code ec;
        std::string host_link = fs::read_symlink("/proc/self/ns/" + link, ec).string();
        if (!entry) {
            if (inside[link] != host_link) problems.push_back("no " + type + " namespace asked, but " + inside[link] + " is not the host's " + host_link);
        } else if (entry->contains("path")) {
            std::string wanted = fs::read_symlink((*entry)["path"].get<std::string>(), ec).string();
            if (inside[link] != wanted) problems.push_back(type + " namespace " + (*entry)["path"].get<std::string>() + " (" + wanted + ") asked, inside: " + inside[link]);
        } else if (inside[link] == host_link) {
            problems.push_back("a new " + type + " namespace asked, the process is in the host's " + host_link);
        }
    }
    for (const auto& mapping : linux.value("uidMappings", json::array())) {
        std::string wanted = std::to_string(mapping.value("containerID", 0L)) + " " +
                             std::to_string(mapping.value("hostID", 0L)) + " " + std::to_string(mapping.value("size", 0L));
        bool found = false;
        for (const auto& line : out.section("uid_map"))
            if (words(line) == words(wanted)) found = true;
        if (!found) problems.push_back("uid mapping " + wanted + " missing from uid_map");
    }
    // The cgroup files the host sees for linux.resources, where a value is set (Docker's 0 means unset).
    const json& resources = linux.value("resources", json::object());
    auto cgroup_file = [&](const std::string& controller, const std::string& file) {
        auto it = host.cgroup_dirs.find(controller);
        if (it == host.cgroup_dirs.end()) return std::string("(no " + controller + " cgroup)");
        auto text = test::read_file(it->second + "/" + file);
        while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
        return text;
    };
    auto expect_file = [&](const std::string& what, const std::string& controller, const std::string& file,
                           const std::string& wanted) {
        std::string seen = cgroup_file(controller, file);
        if (seen != wanted) problems.push_back(what + " " + wanted + " asked, " + controller + "/" + file + " reads " + seen);
    };
    const json& memory = resources.value("memory", json::object());
    if (memory.value("limit", 0LL) > 0)
        expect_file("memory.limit", "memory", "memory.limit_in_bytes", std::to_string(memory["limit"].get<long long>()));
    if (memory.value("reservation", 0LL) > 0)
        expect_file("memory.reservation", "memory", "memory.soft_limit_in_bytes", std::to_string(memory["reservation"].get<long long>()));
    if (memory.value("swap", 0LL) > 0 && fs::exists(host.cgroup_dirs.count("memory") ? host.cgroup_dirs.at("memory") + "/memory.memsw.limit_in_bytes" : ""))
        expect_file("memory.swap", "memory", "memory.memsw.limit_in_bytes", std::to_string(memory["swap"].get<long long>()));
    const json& cpu = resources.value("cpu", json::object());
    if (cpu.value("shares", 0ULL) > 0) expect_file("cpu.shares", "cpu", "cpu.shares", std::to_string(cpu["shares"].get<unsigned long long>()));
    if (cpu.value("quota", 0LL) > 0) expect_file("cpu.quota", "cpu", "cpu.cfs_quota_us", std::to_string(cpu["quota"].get<long long>()));
    if (cpu.value("period", 0ULL) > 0) expect_file("cpu.period", "cpu", "cpu.cfs_period_us", std::to_string(cpu["period"].get<unsigned long long>()));
    if (!cpu.value("cpus", "").empty()) expect_file("cpu.cpus", "cpuset", "cpuset.cpus", cpu["cpus"].get<std::string>());
    const json& pids = resources.value("pids", json::object());
    if (pids.contains("limit"))
        expect_file("pids.limit", "pids", "pids.max", pids["limit"].get<long long>() > 0 ? std::to_string(pids["limit"].get<long long>()) : "max");
    // cgroupsPath: the init sits in it (absolute paths are taken from the hierarchy's root).
    std::string path = linux.value("cgroupsPath", "");
    if (!path.empty() && path[0] == '/' && host.cgroup_paths.count("memory") && host.cgroup_paths.at("memory") != path)
        problems.push_back("cgroupsPath " + path + " asked, the init is in memory:" + host.cgroup_paths.at("memory"));
    for (const auto& run : host.hooks_missing) problems.push_back(run);
    return problems;
}

}  // namespace ocirt::replay
