// The conformance suite's probe: a static program copied into each test bundle's rootfs as /probe. It
// reports, as one JSON object on stdout, what the container's process sees of itself, so that cases can
// check facts a shell cannot read (capability sets, scheduler, ioprio, personality, exact fd list).
//   /probe [SECTION ...]     the named sections (default: every section below but "paths" and "errno")
//   /probe paths P ...       lstat of each path: type, mode, uid, gid, device numbers, link target
//   /probe errno CALL ...    the errno each harmless call gets (0 = success): for seccomp cases
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

using nlohmann::json;

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

json ids() {
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    ::getresuid(&ruid, &euid, &suid);
    ::getresgid(&rgid, &egid, &sgid);
    std::vector<gid_t> groups(static_cast<size_t>(::getgroups(0, nullptr)));
    groups.resize(static_cast<size_t>(::getgroups(static_cast<int>(groups.size()), groups.data())));
    return {{"uid", ruid}, {"euid", euid}, {"suid", suid}, {"gid", rgid}, {"egid", egid}, {"sgid", sgid}, {"groups", groups}};
}

// Capability numbers in each set; capget(2) with _LINUX_CAPABILITY_VERSION_3 gives two 32-bit words.
json capabilities() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    ::syscall(SYS_capget, &header, data);
    int last = std::stoi(read_text("/proc/sys/kernel/cap_last_cap"));
    json sets = {{"effective", json::array()}, {"permitted", json::array()}, {"inheritable", json::array()},
                 {"bounding", json::array()}, {"ambient", json::array()}};
    for (int cap = 0; cap <= last; ++cap) {
        unsigned word = static_cast<unsigned>(cap / 32), bit = 1u << (cap % 32);
        if (data[word].effective & bit) sets["effective"].push_back(cap);
        if (data[word].permitted & bit) sets["permitted"].push_back(cap);
        if (data[word].inheritable & bit) sets["inheritable"].push_back(cap);
        if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) sets["bounding"].push_back(cap);
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1) sets["ambient"].push_back(cap);
    }
    return sets;
}

json rlimits() {
    static const std::pair<const char*, int> kinds[] = {
        {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_CPU", RLIMIT_CPU},
        {"RLIMIT_DATA", RLIMIT_DATA}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
        {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC}, {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_STACK", RLIMIT_STACK}};
    json limits = json::object();
    for (auto [name, kind] : kinds) {
        rlimit limit{};
        ::getrlimit(kind, &limit);
        limits[name] = {{"soft", limit.rlim_cur}, {"hard", limit.rlim_max}};
    }
    return limits;
}

json scheduler() {
    sched_param param{};
    ::sched_getparam(0, &param);
    errno = 0;
    int nice = ::getpriority(PRIO_PROCESS, 0);
    return {{"policy", ::sched_getscheduler(0) & ~SCHED_RESET_ON_FORK},
            {"reset_on_fork", (::sched_getscheduler(0) & SCHED_RESET_ON_FORK) != 0},
            {"priority", param.sched_priority},
            {"nice", nice}};
}

// ioprio_get(2): class in the top bits, data (level) in the low 13.
json io_priority() {
    long value = ::syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    return {{"class", value >> 13}, {"level", value & 0x1fff}};
}

json open_fds() {
    json fds = json::array();
    DIR* dir = ::opendir("/proc/self/fd");
    if (!dir) return fds;
    int own = ::dirfd(dir);
    while (dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] == '.') continue;
        int fd = std::atoi(entry->d_name);
        if (fd != own) fds.push_back(fd);
    }
    ::closedir(dir);
    std::sort(fds.begin(), fds.end());
    return fds;
}

json terminal() {
    winsize size{};
    bool has_size = ::ioctl(0, TIOCGWINSZ, &size) == 0;
    const char* name = ::ttyname(0);
    return {{"stdin", ::isatty(0) == 1}, {"stdout", ::isatty(1) == 1}, {"stderr", ::isatty(2) == 1},
            {"name", name ? name : ""},
            {"rows", has_size ? size.ws_row : 0}, {"columns", has_size ? size.ws_col : 0}};
}

json namespaces() {
    json links = json::object();
    for (const char* kind : {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"}) {
        char target[256];
        ssize_t n = ::readlink((std::string("/proc/self/ns/") + kind).c_str(), target, sizeof target - 1);
        links[kind] = n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
    }
    return links;
}

// proc(5) mountinfo: id parent major:minor root mount-point options optional... - type source super-options
json mounts() {
    json list = json::array();
    std::istringstream lines(read_text("/proc/self/mountinfo"));
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string id, parent, device, root, point, options, field, propagation;
        fields >> id >> parent >> device >> root >> point >> options;
        while (fields >> field && field != "-") propagation += (propagation.empty() ? "" : " ") + field;
        std::string type, source, super_options;
        fields >> type >> source >> super_options;
        list.push_back({{"root", root}, {"mount_point", point}, {"options", options}, {"propagation", propagation},
                        {"type", type}, {"source", source}, {"super_options", super_options}});
    }
    return list;
}

json process() {
    std::vector<std::string> env;
    for (char** entry = environ; *entry; ++entry) env.emplace_back(*entry);
    char cwd[4096];
    mode_t mask = ::umask(0);
    ::umask(mask);
    return {{"pid", ::getpid()}, {"ppid", ::getppid()}, {"sid", ::getsid(0)}, {"pgid", ::getpgid(0)},
            {"cwd", ::getcwd(cwd, sizeof cwd) ? cwd : ""}, {"env", env}, {"umask", mask},
            {"no_new_privs", ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)}, {"seccomp", ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0)},
            {"dumpable", ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)},
            {"personality", ::personality(0xffffffff)},
            {"oom_score_adj", std::stoi(trimmed(read_text("/proc/self/oom_score_adj")))}};
}

json host_names() {
    utsname names{};
    ::uname(&names);
    return {{"hostname", names.nodename}, {"domainname", names.domainname}, {"machine", names.machine}};
}

json path_facts(const std::string& path) {
    struct stat st{};
    if (::lstat(path.c_str(), &st) != 0) return {{"exists", false}, {"errno", errno}};
    std::string type = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "directory" : S_ISLNK(st.st_mode) ? "symlink"
                     : S_ISCHR(st.st_mode) ? "char" : S_ISBLK(st.st_mode) ? "block" : S_ISFIFO(st.st_mode) ? "fifo" : "socket";
    json facts = {{"exists", true}, {"type", type}, {"mode", st.st_mode & 07777}, {"uid", st.st_uid}, {"gid", st.st_gid},
                  {"major", major(st.st_rdev)}, {"minor", minor(st.st_rdev)}};
    if (S_ISLNK(st.st_mode)) {
        char target[4096];
        ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
        facts["target"] = n > 0 ? std::string(target, static_cast<size_t>(n)) : "";
    }
    facts["writable"] = ::access(path.c_str(), W_OK) == 0;
    return facts;
}

// Harmless calls a seccomp case can deny; each returns 0 or its errno.
int errno_of(const std::string& call) {
    static const std::map<std::string, std::function<long()>> calls = {
        {"getcwd", [] { char b[256]; return ::syscall(SYS_getcwd, b, sizeof b) < 0 ? -1L : 0L; }},
        {"uname", [] { utsname n; return static_cast<long>(::uname(&n)); }},
        {"getppid", [] { return ::syscall(SYS_getppid) < 0 ? -1L : 0L; }},
        {"chdir", [] { return static_cast<long>(::chdir("/")); }},
        {"mkdir", [] { long r = ::mkdir("/tmp/.probe-mkdir", 0700); ::rmdir("/tmp/.probe-mkdir"); return r; }},
        {"personality", [] { return ::personality(0xffffffff) < 0 ? -1L : 0L; }},
    };
    auto found = calls.find(call);
    if (found == calls.end()) return -1;
    errno = 0;
    return found->second() < 0 ? errno : 0;
}

const std::map<std::string, std::function<json()>>& sections() {
    static const std::map<std::string, std::function<json()>> all = {
        {"ids", ids}, {"capabilities", capabilities}, {"rlimits", rlimits}, {"scheduler", scheduler},
        {"ioprio", io_priority}, {"fds", open_fds}, {"terminal", terminal}, {"namespaces", namespaces},
        {"mounts", mounts}, {"process", process}, {"uts", host_names}};
    return all;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    json report = json::object();
    if (!args.empty() && args[0] == "paths") {
        for (size_t i = 1; i < args.size(); ++i) report[args[i]] = path_facts(args[i]);
    } else if (!args.empty() && args[0] == "errno") {
        for (size_t i = 1; i < args.size(); ++i) report[args[i]] = errno_of(args[i]);
    } else if (args.empty()) {
        for (const auto& [name, section] : sections()) report[name] = section();
    } else {
        for (const auto& name : args) {
            auto found = sections().find(name);
            if (found == sections().end()) {
                std::cerr << "probe: unknown section \"" << name << "\"\n";
                return 2;
            }
            report[name] = found->second();
        }
    }
    std::cout << report.dump() << '\n';
    return 0;
}
