// Replays the configs real clients wrote (tests/data/clients: captured from docker, podman and ctr by
// tools/capture-client-configs; the CRI ones written from containerd's code) on RUNTIME (default: this
// build's ocirt; RUNTIME=runc shows what the clients' own runtime does with the same files). Each config
// runs as its client sent it except for what tests/data/clients/README.md lists: placeholders filled and
// process.args replaced by a shell probe that prints what the container got. The facts the config asks
// for are checked (checks.cpp), then `delete` must leave no state dir, cgroup, mount or process.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../integration/harness.hpp"
#include "checks.hpp"

namespace ocirt::replay {
namespace fs = std::filesystem;
using nlohmann::json;
using test::Result;

std::string runtime() { return test::runtime_under_test(); }

namespace {

// Every replay's outcome, for the table main prints at the end.
struct Outcome {
    std::string name;
    std::string verdict;  // "ok", "FAIL", "skipped"
    std::vector<std::string> why;
};
std::vector<Outcome>& outcomes() {
    static std::vector<Outcome> all;
    return all;
}

std::string data_dir() { return test::source_dir() + "/tests/data/clients"; }

json load(const std::string& relative) { return json::parse(test::read_file(data_dir() + "/" + relative)); }

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

json fill(const json& value, const std::map<std::string, std::string>& placeholders) {
    if (value.is_string()) {
        std::string text = value.get<std::string>();
        for (const auto& [from, to] : placeholders) replace_all(text, from, to);
        return text;
    }
    if (value.is_array()) {
        json out = json::array();
        for (const auto& item : value) out.push_back(fill(item, placeholders));
        return out;
    }
    if (value.is_object()) {
        json out = json::object();
        for (const auto& [key, item] : value.items()) out[key] = fill(item, placeholders);
        return out;
    }
    return value;
}

bool eventually(const std::function<bool()>& done, int milliseconds = 10000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) return done();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// The probe: one "@@name" line before each fact; ends by sleeping, so that the container stays alive while
// the host side is read and other containers join its namespaces (exec's probe just ends).
std::string probe_script(const json& config, bool keep_running) {
    std::string paths;
    const json& linux = config.value("linux", json::object());
    for (const char* list : {"maskedPaths", "readonlyPaths"})
        for (const auto& p : linux.value(list, json::array())) paths += " '" + p.get<std::string>() + "'";
    for (const auto& d : linux.value("devices", json::array())) paths += " '" + d.value("path", "") + "'";
    std::string sysctls;
    const json sysctl = linux.value("sysctl", json::object());
    for (const auto& [key, value] : sysctl.items()) {
        std::string file = key;
        for (char& c : file)
            if (c == '.') c = '/';
        sysctls += "echo \"" + key + "=$(cat /proc/sys/" + file + ")\"\n";
    }
    return "echo @@status; cat /proc/$$/status\n"
           "echo @@mountinfo; cat /proc/self/mountinfo\n"
           "echo @@limits; cat /proc/$$/limits\n"
           "echo @@environ; tr '\\000' '\\n' < /proc/$$/environ\n"
           "echo @@cwd; pwd\n"
           "echo @@hostname; hostname\n"
           "echo @@oom_score_adj; cat /proc/$$/oom_score_adj\n"
           "echo @@tty; tty\n"
           "echo @@ns; for n in net ipc uts pid mnt user cgroup; do echo \"$n $(readlink /proc/$$/ns/$n)\"; done\n"
           "echo @@uid_map; cat /proc/$$/uid_map\n"
           "echo @@exists; for p in" + paths + "; do [ -e \"$p\" ] && echo \"$p\"; done\n"
           "echo @@sysctl\n" + sysctls +
           "echo @@end\n" + (keep_running ? "exec sleep 600\n" : "");
}

// A --console-socket listener: the runtime sends the pty master of a terminal container.
class ConsoleSocket {
public:
    explicit ConsoleSocket(const std::string& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 || ::listen(fd_, 1) < 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~ConsoleSocket() {
        if (fd_ >= 0) ::close(fd_);
        if (master_ >= 0) ::close(master_);
    }
    ConsoleSocket(const ConsoleSocket&) = delete;
    ConsoleSocket& operator=(const ConsoleSocket&) = delete;
    const std::string& path() const { return path_; }
    // Accepts the runtime's connection and keeps the fd it carries; false after 10 s or without an fd.
    bool receive() {
        pollfd ready{fd_, POLLIN, 0};
        if (fd_ < 0 || ::poll(&ready, 1, 10000) != 1) return false;
        int connection = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) return false;
        char payload[4096];
        iovec io{payload, sizeof payload};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        msghdr message{};
        message.msg_iov = &io;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        if (::recvmsg(connection, &message, MSG_CMSG_CLOEXEC) > 0) {
            cmsghdr* header = CMSG_FIRSTHDR(&message);
            if (header && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
                std::memcpy(&master_, CMSG_DATA(header), sizeof master_);
        }
        ::close(connection);
        return master_ >= 0;
    }
    // Appends what the terminal has to `out` (waits up to 100 ms).
    void drain(std::string& out) {
        if (master_ < 0) return;
        pollfd ready{master_, POLLIN, 0};
        while (::poll(&ready, 1, 100) == 1) {
            char buffer[4096];
            ssize_t n = ::read(master_, buffer, sizeof buffer);
            if (n <= 0) return;
            out.append(buffer, static_cast<size_t>(n));
        }
    }

private:
    std::string path_;
    int fd_ = -1;
    int master_ = -1;
};

// The directory every replay works in, bound onto itself and made shared, so that a bind mount from it
// shows the propagation its options ask for (master:N for rslave, shared:N for rshared) and the rootfs the
// propagation of linux.rootfsPropagation. main() runs the suite in its own mount namespace, so none of
// this reaches the host's.
class SharedDir {
public:
    SharedDir() : dir_("client-config") {
        ::chmod(dir_.path().c_str(), 0755);  // a user-namespaced root must reach the rootfs
        mounted_ = ::mount(dir_.path().c_str(), dir_.path().c_str(), nullptr, MS_BIND, nullptr) == 0 &&
                   ::mount(nullptr, dir_.path().c_str(), nullptr, MS_SHARED, nullptr) == 0;
    }
    ~SharedDir() {
        if (mounted_) ::umount2(dir_.path().c_str(), MNT_DETACH);
    }
    SharedDir(const SharedDir&) = delete;
    SharedDir& operator=(const SharedDir&) = delete;
    const std::string& path() const { return dir_.path(); }
    bool mounted() const { return mounted_; }

private:
    test::TempDir dir_;
    bool mounted_ = false;
};


// The v1 controllers' and cgroup2's lines of /proc/PID/cgroup: controller (or "" for cgroup2) -> path.
std::map<std::string, std::string> cgroup_lines(pid_t pid) {
    std::map<std::string, std::string> found;
    std::stringstream file(test::read_file("/proc/" + std::to_string(pid) + "/cgroup"));
    for (std::string line; std::getline(file, line);) {
        auto first = line.find(':'), second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::stringstream controllers(line.substr(first + 1, second - first - 1));
        std::string path = line.substr(second + 1);
        if (first + 1 == second) found[""] = path;
        for (std::string name; std::getline(controllers, name, ',');) found[name] = path;
    }
    return found;
}

// Where `controller` (a v1 name, or "unified") is mounted; "" when it is not.
std::string hierarchy_of(const std::string& controller) {
    std::stringstream mountinfo(test::read_file("/proc/self/mountinfo"));
    for (std::string line; std::getline(mountinfo, line);) {
        std::stringstream fields(line);
        std::vector<std::string> w;
        for (std::string word; fields >> word;) w.push_back(word);
        size_t dash = 0;
        while (dash < w.size() && w[dash] != "-") ++dash;
        if (dash + 3 >= w.size()) continue;
        if (controller == "unified" && w[dash + 1] == "cgroup2") return w[4];
        if (w[dash + 1] != "cgroup") continue;
        std::stringstream options(w[dash + 3]);
        for (std::string option; std::getline(options, option, ',');)
            if (option == controller) return w[4];
    }
    return "";
}

// One container made from a captured config: bundle, placeholders, create/start, the probe's output,
// the checks, then kill, delete and what is left behind.
class Replay {
public:
    Replay(std::string name, json config, std::map<std::string, std::string> placeholders)
        : name_(std::move(name)), original_(std::move(config)), placeholders_(std::move(placeholders)) {
        id_ = test::unique_id("cc");
        root_ = dir_.path() + "/state";
        fs::create_directories(root_);
        fs::create_directories(dir_.path() + "/host/dirs");
        fs::create_directories(dir_.path() + "/host/files");
        fs::create_directories(dir_.path() + "/hooks");
        placeholders_.emplace("@ID@", id_);
        placeholders_.emplace("@HOSTDIR@", dir_.path() + "/host/dirs");
        placeholders_.emplace("@HOSTFILE@", dir_.path() + "/host/files");
        placeholders_.emplace("@HOOK@", dir_.path() + "/hook");
        placeholders_.emplace("@HOSTNETNS@", "/proc/" + std::to_string(::getpid()) + "/ns/net");
        config_ = fill(original_, placeholders_);
    }
    ~Replay() {
        if (!deleted_) test::run_program({runtime(), "--root", root_, "delete", "--force", id_});
        remove_parent_cgroups();
    }
    Replay(const Replay&) = delete;
    Replay& operator=(const Replay&) = delete;

    const std::string& id() const { return id_; }
    pid_t pid() const { return pid_; }
    const json& config() const { return config_; }
    std::vector<std::string>& problems() { return problems_; }

    // Why this host cannot run the config (a bind source of the host that is missing), or "".
    std::string host_cannot() const {
        for (const auto& m : config_.value("mounts", json::array())) {
            std::string source = m.value("source", "");
            if (!source.empty() && source[0] == '/' && source.rfind(dir_.path(), 0) != 0 && !fs::exists(source))
                return "bind source " + source + " is not on this host";
        }
        return "";
    }

    // Writes the bundle and runs create and start; false (with the runtime's error in problems()) on failure.
    bool start() {
        if (!dir_.mounted()) {
            problems_.push_back("cannot make " + dir_.path() + " a shared mount");
            return false;
        }
        make_host_files();
        std::string bundle = dir_.path() + "/bundle";
        fs::create_directories(bundle);
        Result copied = test::run_program({"/bin/cp", "-a", test::busybox_rootfs(), bundle + "/rootfs"});
        if (copied.exit_code != 0) {
            problems_.push_back("cp rootfs: " + copied.err);
            return false;
        }
        // A user-namespaced container's rootfs belongs to its root, as podman's storage makes it.
        const json& linux = config_.value("linux", json::object());
        if (!linux.value("uidMappings", json::array()).empty()) {
            auto owner = [](const json& maps) {
                for (const auto& m : maps)
                    if (m.value("containerID", 1L) == 0) return std::to_string(m.value("hostID", 0L));
                return std::string("0");
            };
            Result owned = test::run_program({"/bin/chown", "-R", "-h",
                                              owner(linux["uidMappings"]) + ":" + owner(linux.value("gidMappings", json::array())),
                                              bundle + "/rootfs"});
            if (owned.exit_code != 0) {
                problems_.push_back("chown rootfs: " + owned.err);
                return false;
            }
        }
        json config = config_;
        config["process"]["args"] = {"/bin/sh", "-c", probe_script(config_, true)};
        std::ofstream(bundle + "/config.json") << config.dump(2);
        terminal_ = config_["process"].value("terminal", false);
        std::vector<std::string> create = {runtime(), "--root", root_, "create", "--bundle", bundle,
                                           "--pid-file", dir_.path() + "/pid"};
        std::unique_ptr<ConsoleSocket> console;
        if (terminal_) {
            console = std::make_unique<ConsoleSocket>(dir_.path() + "/console.sock");
            create.insert(create.end(), {"--console-socket", console->path()});
        }
        create.push_back(id_);
        pid_t creator = test::spawn_to_files(create, out_file(), err_file());
        if (console && !console->receive()) {
            test::wait_exit_code(creator);
            problems_.push_back("create: no terminal received; stderr: " + test::read_file(err_file()));
            return false;
        }
        int code = test::wait_exit_code(creator);
        if (code != 0) {
            problems_.push_back("create exited " + std::to_string(code) + ": " + test::read_file(err_file()));
            return false;
        }
        pid_ = std::stoi("0" + test::read_file(dir_.path() + "/pid"));
        Result started = test::run_program({runtime(), "--root", root_, "start", id_});
        if (started.exit_code != 0) {
            problems_.push_back("start exited " + std::to_string(started.exit_code) + ": " + started.err);
            return false;
        }
        bool ended = eventually([&] {
            if (console) console->drain(output_.text);
            else output_.text = test::read_file(out_file());
            return output_.text.find("@@end") != std::string::npos;
        });
        console_ = std::move(console);
        if (!ended) {
            problems_.push_back("the probe did not finish; it wrote: " + output_.text.substr(0, 400) +
                                " stderr: " + test::read_file(err_file()));
            return false;
        }
        return true;
    }

    // The checks of checks.cpp with what the host saw.
    void check() {
        HostFacts host;
        host.shared_prefix = dir_.path();
        for (const auto& [controller, path] : cgroup_lines(pid_)) {
            if (controller.empty()) continue;
            host.cgroup_paths[controller] = path;
            std::string mounted = hierarchy_of(controller);
            if (!mounted.empty()) host.cgroup_dirs[controller] = mounted + path;
        }
        size_t hooks = 0;
        for (const char* kind : {"prestart", "createRuntime", "createContainer", "startContainer", "poststart"})
            for (const auto& hook : original_.value("hooks", json::object()).value(kind, json::array()))
                if (hook.value("path", "") == "@HOOK@") ++hooks;
        size_t ran = 0;
        for (const auto& entry : fs::directory_iterator(dir_.path() + "/hooks"))
            if (test::read_file(entry.path().string()).find(id_) != std::string::npos) ++ran;
        if (ran < hooks)
            host.hooks_missing.push_back(std::to_string(hooks) + " hook(s) asked, " + std::to_string(ran) +
                                         " ran with the container's state on stdin");
        for (auto& problem : check_container(config_, output_, host)) problems_.push_back(problem);
        for (const auto& [controller, path] : host.cgroup_paths) cgroup_paths_.insert(path);
    }

    // `exec --process` of `process` (args replaced by the probe), in the foreground; its probe's output.
    ProbeOutput exec(const json& process) {
        json filled = fill(process, placeholders_);
        filled["args"] = {"/bin/sh", "-c", probe_script(config_, false)};
        std::string file = dir_.path() + "/process.json";
        std::ofstream(file) << filled.dump(2);
        Result r = test::run_program_to_files({runtime(), "--root", root_, "exec", "--process", file, id_},
                                              dir_.path() + "/exec.out", dir_.path() + "/exec.err");
        if (r.exit_code != 0) problems_.push_back("exec exited " + std::to_string(r.exit_code) + ": " + r.err);
        return ProbeOutput{r.out};
    }

    // kill, delete, and what is left: the state dir, the container's cgroups, mounts of its bundle, its init.
    void remove() {
        test::run_program({runtime(), "--root", root_, "kill", id_, "9"});
        eventually([&] {
            Result state = test::run_program({runtime(), "--root", root_, "state", id_});
            return state.out.find("\"stopped\"") != std::string::npos;
        });
        Result deleted = test::run_program({runtime(), "--root", root_, "delete", id_});
        deleted_ = deleted.exit_code == 0;
        if (!deleted_) {
            problems_.push_back("delete exited " + std::to_string(deleted.exit_code) + ": " + deleted.err);
            return;
        }
        if (fs::exists(root_ + "/" + id_)) problems_.push_back("left behind: state dir " + root_ + "/" + id_);
        for (const auto& path : cgroup_paths_)
            for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup")) {
                fs::path dir = entry.path() / fs::path(path).relative_path();
                if (path != "/" && fs::exists(dir)) problems_.push_back("left behind: cgroup " + dir.string());
            }
        std::stringstream mountinfo(test::read_file("/proc/self/mountinfo"));
        for (std::string line; std::getline(mountinfo, line);)
            if (line.find(dir_.path() + "/") != std::string::npos) problems_.push_back("left behind: mount " + line);
        if (pid_ > 0 && eventually([&] {
                std::string stat = test::read_file("/proc/" + std::to_string(pid_) + "/stat");
                auto close = stat.rfind(')');
                return stat.empty() || (close != std::string::npos && close + 2 < stat.size() &&
                                        (stat[close + 2] == 'Z' || stat[close + 2] == 'X'));
            }, 2000) == false)
            problems_.push_back("left behind: process " + std::to_string(pid_));
    }

private:
    std::string out_file() const { return dir_.path() + "/out"; }
    std::string err_file() const { return dir_.path() + "/err"; }

    // The host files and directories of the placeholders, and the hook that records that it ran.
    void make_host_files() {
        std::string dirs = dir_.path() + "/host/dirs/", files = dir_.path() + "/host/files/";
        for (const auto& m : config_.value("mounts", json::array())) {
            std::string source = m.value("source", "");
            if (source.rfind(dirs, 0) == 0) fs::create_directories(source);
            if (source.rfind(files, 0) == 0) {
                fs::create_directories(fs::path(source).parent_path());
                std::string name = fs::path(source).filename().string();
                std::ofstream(source) << (name == "hostname"      ? "replay\n"
                                          : name == "resolv.conf" ? "nameserver 127.0.0.1\n"
                                          : name.find("hosts") != std::string::npos ? "127.0.0.1 localhost\n"
                                                                                    : "");
            }
        }
        std::string hook = dir_.path() + "/hook";
        std::ofstream(hook) << "#!/bin/sh\ncat > " + dir_.path() + "/hooks/ran.$$\n";
        ::chmod(hook.c_str(), 0755);
    }

    // The parents a cgroupsPath names (/docker, /kubepods/besteffort/pod<uid>, ...) stay after delete, as
    // with runc; they are removed here when empty, deepest first.
    void remove_parent_cgroups() {
        std::string path = config_.value("linux", json::object()).value("cgroupsPath", "");
        if (path.empty() || path[0] != '/') return;
        std::error_code ec;
        for (fs::path parent = fs::path(path).parent_path(); parent != "/" && !parent.empty(); parent = parent.parent_path())
            for (const auto& entry : fs::directory_iterator("/sys/fs/cgroup", ec))
                ::rmdir((entry.path() / parent.relative_path()).c_str());
    }

    std::string name_;
    json original_, config_;
    std::map<std::string, std::string> placeholders_;
    SharedDir dir_;
    std::string id_, root_;
    pid_t pid_ = 0;
    bool terminal_ = false, deleted_ = false;
    std::unique_ptr<ConsoleSocket> console_;
    ProbeOutput output_;
    std::set<std::string> cgroup_paths_;
    std::vector<std::string> problems_;
};

void record(const std::string& name, const std::vector<std::string>& problems) {
    outcomes().push_back({name, problems.empty() ? "ok" : "FAIL", problems});
    std::string text;
    for (const auto& p : problems) text += "\n  " + p;
    std::printf("client-configs: %s: %s%s\n", name.c_str(), problems.empty() ? "ok" : "FAIL", text.c_str());
    std::fflush(stdout);
}

// The whole life of one config; the Replay is left running when `keep` is given (a CRI sandbox).
void replay_config(const std::string& relative, std::map<std::string, std::string> placeholders = {},
                   std::unique_ptr<Replay>* keep = nullptr) {
    std::string name = relative.substr(0, relative.size() - 5);
    auto replay = std::make_unique<Replay>(name, load(relative), std::move(placeholders));
    if (std::string why = replay->host_cannot(); !why.empty()) {
        std::printf("client-configs: %s: skipped: %s\n", name.c_str(), why.c_str());
        outcomes().push_back({name, "skipped", {why}});
        return;
    }
    if (replay->start()) {
        replay->check();
        if (!keep) replay->remove();
    }
    record(name, replay->problems());
    INFO(name);
    CHECK(replay->problems().empty());
    if (keep) *keep = std::move(replay);
}

// An exec process file, run in a container of the client's own config (`<client>/exec-base.json`).
void replay_exec(const std::string& client) {
    std::string name = client + "/exec.process";
    Replay base(name, load(client + "/exec-base.json"), {});
    std::vector<std::string> problems;
    if (base.start()) {
        json process = load(client + "/exec.process.json");
        ProbeOutput out = base.exec(process);
        if (base.problems().empty()) problems = check_process(fill(process, {{"@ID@", base.id()}}), out);
        base.remove();
    }
    problems.insert(problems.end(), base.problems().begin(), base.problems().end());
    record(name, problems);
    INFO(name);
    CHECK(problems.empty());
}

std::vector<std::string> configs_of(const std::string& client) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator(data_dir() + "/" + client)) {
        std::string file = entry.path().filename().string();
        if (entry.path().extension() == ".json" && file.find(".process.") == std::string::npos)
            found.push_back(client + "/" + file);
    }
    std::sort(found.begin(), found.end());
    return found;
}

}  // namespace

TEST_CASE("client configs: docker 20.10") {
    for (const auto& config : configs_of("docker")) replay_config(config);
    replay_exec("docker");
}

TEST_CASE("client configs: podman 4.3") {
    for (const auto& config : configs_of("podman")) replay_config(config);
    replay_exec("podman");
}

TEST_CASE("client configs: ctr 1.6") {
    for (const auto& config : configs_of("ctr")) replay_config(config);
    replay_exec("ctr");
}

// The pod sandbox first, in a network namespace as CNI would make it; the app containers then join the
// sandbox's namespaces through /proc/<sandbox pid>/ns/*, as containerd's WithPodNamespaces writes them.
TEST_CASE("client configs: containerd 1.6 CRI") {
    pid_t holder = test::spawn_to_files({"/usr/bin/unshare", "--net", "/bin/sleep", "600"}, "/dev/null", "/dev/null");
    std::string netns = "/proc/" + std::to_string(holder) + "/ns/net";
    std::error_code ec;
    auto own = fs::read_symlink("/proc/self/ns/net", ec);
    REQUIRE(eventually([&] { return fs::read_symlink(netns, ec) != own && !ec; }));
    std::string pod_uid = "0b5e1f7c-" + std::to_string(::getpid()) + "-4a2e-9d43-replay";
    std::unique_ptr<Replay> sandbox;
    replay_config("cri/sandbox.json", {{"@POD_UID@", pod_uid}, {"@NETNS@", netns}}, &sandbox);
    if (sandbox && sandbox->pid() > 0) {
        for (const char* app : {"cri/app.json", "cri/app-bidirectional.json"})
            replay_config(app, {{"@POD_UID@", pod_uid},
                                {"@SANDBOX_ID@", sandbox->id()},
                                {"@SANDBOX_PID@", std::to_string(sandbox->pid())}});
        sandbox->remove();
        if (!sandbox->problems().empty()) record("cri/sandbox (delete)", sandbox->problems());
        CHECK(sandbox->problems().empty());
    } else {
        record("cri/app", {"not run: the sandbox did not start"});
        record("cri/app-bidirectional", {"not run: the sandbox did not start"});
        CHECK(false);
    }
    sandbox.reset();
    ::kill(holder, SIGKILL);
    test::wait_exit_code(holder);
}

// The table at the end of the run: one line per config.
int print_summary() {
    int failed = 0, passed = 0, skipped = 0;
    std::printf("\nclient-configs on %s:\n", runtime().c_str());
    for (const auto& o : outcomes()) {
        std::printf("  %-7s %-34s %s\n", o.verdict.c_str(), o.name.c_str(), o.why.empty() ? "" : o.why.front().c_str());
        (o.verdict == "ok" ? passed : o.verdict == "FAIL" ? failed : skipped)++;
    }
    std::printf("client-configs: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return failed;
}

}  // namespace ocirt::replay

// The suite runs in a mount namespace of its own: the shared mounts it makes (SharedDir) and anything a
// runtime leaves mounted stay out of the host's namespace, while the leftover checks still see them.
int main(int argc, char** argv) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        std::fprintf(stderr, "client-configs: cannot make a private mount namespace: %s\n", std::strerror(errno));
        return 1;
    }
    std::printf("client-configs: runtime under test: %s\n", ocirt::replay::runtime().c_str());
    doctest::Context context(argc, argv);
    int result = context.run();
    int failed = ocirt::replay::print_summary();
    return result != 0 ? result : failed != 0;
}
