// ocirt-bench: measures OCI runtimes (ocirt, crun, runc, ...) side by side in one run and prints one
// markdown table. Started by tools/bench; see tools/bench.d/README.md for what each number means.
//
// The harness forks and execs each runtime directly (no shell), times it with CLOCK_MONOTONIC around
// fork..wait4, sends its stdin/stdout to /dev/null and its stderr to a memfd read only after it exits,
// and takes peak RSS and page faults from the rusage that wait4() returns.
#include <fcntl.h>
#include <getopt.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

volatile sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

[[noreturn]] void die(const std::string& msg) {
    std::fprintf(stderr, "ocirt-bench: %s\n", msg.c_str());
    std::exit(1);
}
std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

double now_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// An fd closed on scope exit.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept {
        if (this != &o) {
            reset();
            fd_ = o.fd_;
            o.fd_ = -1;
        }
        return *this;
    }
    ~Fd() { reset(); }
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string trim(std::string s) {
    auto issp = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!s.empty() && issp(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && issp(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

// ---------------------------------------------------------------------------------------------------
// Spawning a runtime

struct Outcome {
    bool ok = false;      // exited with status 0
    double ms = 0;        // fork .. wait4 returned, CLOCK_MONOTONIC
    rusage ru{};          // from wait4: the child plus every descendant it waited for
    pid_t pid = -1;
    std::string out;      // stdout, when asked for
    std::string err;      // a one-line reason when !ok
};

// Turns a runtime's stderr and exit status into one short table-safe line.
std::string reason(const std::string& stderr_text, int status) {
    std::string last;
    std::istringstream in(stderr_text);
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (!line.empty()) last = line;
    }
    // runc-style logrus line: time="..." level=error msg="..."
    if (auto p = last.find("msg=\""); p != std::string::npos) {
        auto q = last.rfind('"');
        if (q > p + 5) last = last.substr(p + 5, q - p - 5);
    }
    if (last.empty()) {
        if (WIFSIGNALED(status)) last = "killed by signal " + std::to_string(WTERMSIG(status));
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 127) last = "exec failed";
        else last = "exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    for (char& c : last)
        if (c == '|' || c == '\n' || c == '`') c = '/';
    if (last.size() > 80) last = last.substr(0, 77) + "...";
    return last;
}

class Spawner {
public:
    Spawner() {
        null_ = Fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
        if (!null_) die(errno_text("open /dev/null"));
        err_ = Fd(static_cast<int>(::memfd_create("ocirt-bench-stderr", MFD_CLOEXEC)));
        out_ = Fd(static_cast<int>(::memfd_create("ocirt-bench-stdout", MFD_CLOEXEC)));
        if (!err_ || !out_) die(errno_text("memfd_create"));
    }

    // Forks and execs argv[0] (an absolute path). Returns the pid; finish() waits for it.
    pid_t start(const std::vector<std::string>& argv, bool capture_stdout) {
        std::vector<char*> cargv;
        cargv.reserve(argv.size() + 1);
        for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
        cargv.push_back(nullptr);
        for (int fd : {err_.get(), out_.get()}) {
            if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) die(errno_text("reset memfd"));
        }
        int outfd = capture_stdout ? out_.get() : null_.get();
        t0_ = now_ms();
        pid_t pid = ::fork();
        if (pid < 0) die(errno_text("fork"));
        if (pid == 0) {
            // Only async-signal-safe calls between fork and exec.
            ::dup2(null_.get(), 0);
            ::dup2(outfd, 1);
            ::dup2(err_.get(), 2);
            ::execve(cargv[0], cargv.data(), environ);
            ::_exit(127);
        }
        return pid;
    }

    Outcome finish(pid_t pid, bool capture_stdout) {
        Outcome o;
        o.pid = pid;
        int status = 0;
        bool timed_out = false;
        // A runtime that hangs must not hang the bench: wait on a pidfd with a timeout, then reap.
        if (timeout_ms_ > 0) {
            Fd pfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
            if (pfd) {
                pollfd p{pfd.get(), POLLIN, 0};
                int n;
                do n = ::poll(&p, 1, timeout_ms_);
                while (n < 0 && errno == EINTR);
                if (n == 0) {
                    ::kill(pid, SIGKILL);
                    timed_out = true;
                }
            }
        }
        pid_t r;
        do r = ::wait4(pid, &status, 0, &o.ru);
        while (r < 0 && errno == EINTR);
        o.ms = now_ms() - t0_;
        if (r < 0) die(errno_text("wait4"));
        o.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        if (capture_stdout) o.out = slurp(out_.get());
        if (!o.ok) o.err = timed_out ? "timed out after " + std::to_string(timeout_ms_ / 1000) + " s, killed"
                                     : reason(slurp(err_.get()), status);
        return o;
    }

    Outcome run(const std::vector<std::string>& argv, bool capture_stdout = false) {
        return finish(start(argv, capture_stdout), capture_stdout);
    }

    void set_timeout(int seconds) { timeout_ms_ = seconds * 1000; }

private:
    static std::string slurp(int fd) {
        std::string s;
        char buf[4096];
        off_t off = 0;
        for (;;) {
            ssize_t n = ::pread(fd, buf, sizeof buf, off);
            if (n <= 0) break;
            s.append(buf, static_cast<size_t>(n));
            off += n;
            if (s.size() > 65536) break;
        }
        return s;
    }

    Fd null_, err_, out_;
    double t0_ = 0;
    int timeout_ms_ = 0;
};

// We are a child subreaper: a container's init orphaned by `create` becomes our child, so we can wait
// for it after `start` and reap it (PID 1 on this host reaps orphans slowly).
void reap_orphans() {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
}

// Waits (up to timeout_ms) for a process that is not necessarily our child to exit, then reaps it if it is.
bool wait_gone(pid_t pid, int timeout_ms) {
    Fd pfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (!pfd) return errno == ESRCH;
    pollfd p{pfd.get(), POLLIN, 0};
    int r = ::poll(&p, 1, timeout_ms);
    ::waitpid(pid, nullptr, WNOHANG);
    return r > 0;
}

// ---------------------------------------------------------------------------------------------------
// Counting the processes, threads and execs of a runtime's tree: the kernel's process events connector
// (netlink NETLINK_CONNECTOR, CN_IDX_PROC). Opened only for the untimed counting runs.

struct ProcCount {
    bool ok = false;
    std::string err;
    long procs = 0, threads = 0, execs = 0;
};

class ProcEvents {
public:
    ProcEvents() {
        fd_ = Fd(::socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR));
        if (!fd_) {
            err_ = errno_text("socket(NETLINK_CONNECTOR)");
            return;
        }
        int sz = 16 << 20;
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof sz);
        sockaddr_nl sa{};
        sa.nl_family = AF_NETLINK;
        sa.nl_groups = CN_IDX_PROC;
        if (::bind(fd_.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
            err_ = errno_text("bind(CN_IDX_PROC)");
            fd_.reset();
            return;
        }
        if (!control(PROC_CN_MCAST_LISTEN)) {
            err_ = errno_text("PROC_CN_MCAST_LISTEN");
            fd_.reset();
        }
    }
    ~ProcEvents() {
        if (fd_) control(PROC_CN_MCAST_IGNORE);
    }
    ProcEvents(const ProcEvents&) = delete;
    ProcEvents& operator=(const ProcEvents&) = delete;

    const std::string& error() const { return err_; }
    explicit operator bool() const { return static_cast<bool>(fd_); }

    struct Fork {
        pid_t parent_tgid, child_pid, child_tgid;
    };
    // Reads every queued event. False when the kernel dropped some (ENOBUFS).
    bool drain(std::vector<Fork>& forks, std::vector<pid_t>& execs) {
        alignas(nlmsghdr) char buf[65536];
        for (;;) {
            ssize_t n = ::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EINTR) continue;
                if (errno == EAGAIN) return true;
                return false;  // ENOBUFS: events lost
            }
            auto len = static_cast<unsigned>(n);
            for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
                if (nh->nlmsg_type != NLMSG_DONE) continue;
                auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nh));
                if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
                auto* ev = reinterpret_cast<proc_event*>(cn->data);
                if (ev->what == proc_event::PROC_EVENT_FORK)
                    forks.push_back({ev->event_data.fork.parent_tgid, ev->event_data.fork.child_pid,
                                     ev->event_data.fork.child_tgid});
                else if (ev->what == proc_event::PROC_EVENT_EXEC)
                    execs.push_back(ev->event_data.exec.process_tgid);
            }
        }
    }

private:
    bool control(proc_cn_mcast_op op) {
        // nlmsghdr, then cn_msg, then the operation: laid out in one aligned buffer.
        alignas(nlmsghdr) char msg[NLMSG_SPACE(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))]{};
        auto* nh = reinterpret_cast<nlmsghdr*>(msg);
        nh->nlmsg_len = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op));
        nh->nlmsg_type = NLMSG_DONE;
        nh->nlmsg_pid = static_cast<__u32>(::getpid());
        auto* cn = static_cast<cn_msg*>(NLMSG_DATA(nh));
        cn->id.idx = CN_IDX_PROC;
        cn->id.val = CN_VAL_PROC;
        cn->len = sizeof(proc_cn_mcast_op);
        std::memcpy(cn->data, &op, sizeof op);
        return ::send(fd_.get(), msg, nh->nlmsg_len, 0) == static_cast<ssize_t>(nh->nlmsg_len);
    }

    Fd fd_;
    std::string err_;
};

// Processes/threads/execs of the tree rooted at `root` (the runtime), from the events of one run. While
// counting, this program spawns nothing else, so a clone(CLONE_PARENT) by the runtime (its "parent" is
// then us) is counted too.
ProcCount count_tree(pid_t root, const std::vector<ProcEvents::Fork>& forks, const std::vector<pid_t>& execs) {
    ProcCount c;
    std::set<pid_t> tree{root};
    const pid_t self = ::getpid();
    bool grew = true;
    while (grew) {  // events from different CPUs may arrive out of order: iterate to a fixed point
        grew = false;
        for (const auto& f : forks) {
            if (f.child_pid != f.child_tgid || f.child_tgid == root) continue;
            if ((tree.count(f.parent_tgid) || f.parent_tgid == self) && tree.insert(f.child_tgid).second) grew = true;
        }
    }
    c.procs = static_cast<long>(tree.size()) - 1;
    for (const auto& f : forks)
        if (f.child_pid != f.child_tgid && tree.count(f.child_tgid)) ++c.threads;
    for (pid_t p : execs)
        if (tree.count(p)) ++c.execs;
    c.execs -= 1;  // the exec of the runtime binary itself
    c.ok = true;
    return c;
}

// ---------------------------------------------------------------------------------------------------
// Results

enum Metric { kRunMs, kCreateMs, kStartMs, kDeleteMs, kRunRss, kCreateRss, kRunFaults, kProcs, kThreads, kExecs,
              kBurst, kMetricCount };

struct MetricInfo {
    const char* label;
    const char* unit;
    int decimals;
};

struct Series {
    std::vector<double> v;
    std::string err;  // the first failure's reason
    int fails = 0;
    void add(double x) { v.push_back(x); }
    void fail(const std::string& e) {
        if (err.empty()) err = e;
        ++fails;
    }
    std::optional<double> min() const {
        if (v.empty()) return std::nullopt;
        return *std::min_element(v.begin(), v.end());
    }
    std::optional<double> median() const {
        if (v.empty()) return std::nullopt;
        auto s = v;
        std::sort(s.begin(), s.end());
        size_t n = s.size();
        return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
};

struct Runtime {
    std::string name;  // ocirt, crun, runc, ...
    std::string path;  // absolute
    std::string version;
    std::string oci_version;
    std::string unavailable;  // non-empty: binary missing
    fs::path root, bundle, pidfile;
    std::array<Series, kMetricCount> m;
    std::vector<std::string> tiny_memory;  // per kTinyMemoryLimits: "ok" or why `run` failed
};

// linux.resources.memory.limit values for the tiny-limit check: 1 MiB, 512 KiB, 256 KiB.
constexpr int64_t kTinyMemoryLimits[] = {1 << 20, 512 << 10, 256 << 10};

struct Options {
    std::vector<std::string> runtimes{"ocirt", "ocirt-ro", "crun", "runc"};
    std::map<std::string, std::string> paths;
    int rounds = 10;
    int burst = 100;
    int burst_rounds = 3;
    fs::path bundle;
    std::string ocirt_commit = "unknown";
    bool private_view = true;
    bool count = true;
    bool timeline = true;
    bool keep_tmp = false;
    std::string tmp_parent = "/tmp";
    int nice = -10;
    int timeout = 30;
    std::string json_out;
    bool drop_caches = true;
};

// ---------------------------------------------------------------------------------------------------

std::string find_in_path(const std::string& name) {
    if (name.find('/') != std::string::npos) return fs::absolute(name).string();
    const char* p = std::getenv("PATH");
    std::string path = p ? p : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    std::istringstream in(path);
    for (std::string dir; std::getline(in, dir, ':');) {
        fs::path c = fs::path(dir.empty() ? "." : dir) / name;
        if (::access(c.c_str(), X_OK) == 0) return fs::absolute(c).string();
    }
    return {};
}

class Bench {
public:
    explicit Bench(Options o) : opt_(std::move(o)) { sp_.set_timeout(opt_.timeout); }

    int main() {
        enter_private_view();  // first: everything after, even mkdtemp, happens in the private namespace
        make_tmp();
        hide_controllers();
        if (std::count(opt_.runtimes.begin(), opt_.runtimes.end(), "ocirt-ro") && !opt_.paths.count("ocirt-ro"))
            opt_.paths["ocirt-ro"] = read_only_ocirt();
        for (const auto& name : opt_.runtimes) prepare(name);
        if (!rts_.empty()) {
            json c = json::parse(read_file(rts_.front().bundle / "config.json"));
            fs::path bb = fs::path(c["root"]["path"].get<std::string>()) / "bin/busybox";
            if (::access(bb.c_str(), X_OK) == 0) floor_binary_ = bb;
        }
        if (opt_.drop_caches) drop_page_cache();
        for (auto& rt : rts_) preflight(rt);

        load_before_ = loadavg();
        for (int r = 0; r < opt_.rounds && !g_stop; ++r) {
            measure_floor();
            for (Runtime* rt : rotated(r)) measure_run(*rt);
            for (Runtime* rt : rotated(r)) measure_lifecycle(*rt);
            if (opt_.count)
                for (Runtime* rt : rotated(r)) measure_count(*rt);
            std::fprintf(stderr, "ocirt-bench: round %d/%d done\n", r + 1, opt_.rounds);
        }
        for (int r = 0; r < opt_.burst_rounds && opt_.burst > 0 && !g_stop; ++r) {
            for (Runtime* rt : rotated(r)) measure_burst(*rt, r);
            std::fprintf(stderr, "ocirt-bench: burst round %d/%d done\n", r + 1, opt_.burst_rounds);
        }
        load_after_ = loadavg();
        for (auto& rt : rts_)
            if (!g_stop) measure_tiny_memory(rt);
        std::string timeline = opt_.timeline ? ocirt_timeline() : std::string();
        cleanup();
        print(timeline);
        if (!opt_.json_out.empty()) write_json();
        return g_stop ? 130 : 0;
    }

    ~Bench() {
        if (!view_mounted_.empty()) ::umount2(view_mounted_.c_str(), MNT_DETACH);
        if (!read_only_ocirt_.empty()) ::umount2(read_only_ocirt_.c_str(), MNT_DETACH);
        if (!tmp_.empty() && !opt_.keep_tmp) {
            std::error_code ec;
            fs::remove_all(tmp_, ec);
        }
    }

private:
    // crun 1.8.1 refuses every container on a hybrid host while the cgroup2 root lists a controller. We
    // give every runtime (all alike) a private mount namespace in which an empty file hides that list.
    // Nothing on the host changes, so nothing has to be put back: the view dies with this process.
    void enter_private_view() {
        if (::unshare(CLONE_NEWNS) != 0) die(errno_text("unshare(CLONE_NEWNS)"));
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) die(errno_text("make / rprivate"));
    }

    void hide_controllers() {
        const char* controllers = "/sys/fs/cgroup/unified/cgroup.controllers";
        host_controllers_ = trim(read_file(controllers));
        if (!opt_.private_view) {
            view_note_ = "no private view asked for (--no-private-view)";
            return;
        }
        if (host_controllers_.empty()) {
            view_note_ = ::access(controllers, F_OK) == 0 ? "cgroup2 root lists no controller: nothing to hide"
                                                           : "no hybrid cgroup2 mount: nothing to hide";
            return;
        }
        // The empty file sits in our temporary directory; the destructor unmounts it before removing that.
        fs::path empty = tmp_ / "empty-cgroup.controllers";
        Fd f(::open(empty.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0444));
        if (!f) die(errno_text("create empty file"));
        if (::mount(empty.c_str(), controllers, nullptr, MS_BIND, nullptr) != 0)
            die(errno_text(std::string("bind empty file over ") + controllers));
        view_mounted_ = controllers;
        if (!trim(read_file(controllers)).empty()) die("private view: cgroup.controllers still lists controllers");
        view_note_ = "private mount namespace, empty file bound over /sys/fs/cgroup/unified/cgroup.controllers "
                     "(host lists: " + host_controllers_ + ")";
    }

    // "ocirt-ro": the same ocirt binary seen through a read-only bind mount (in this program's private mount
    // namespace), as when ocirt is installed on a read-only filesystem. ocirt then skips its CVE-2019-5736
    // re-execution, so the two columns show what that defence costs.
    std::string read_only_ocirt() {
        auto it = opt_.paths.find("ocirt");
        std::string source = find_in_path(it != opt_.paths.end() ? it->second : "ocirt");
        if (source.empty()) return "ocirt";  // prepare() reports it missing
        fs::path target = tmp_ / "ocirt-readonly";
        std::ofstream(target).close();
        if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
            die(errno_text("bind " + source + " on " + target.string()));
        read_only_ocirt_ = target.string();
        if (::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
            die(errno_text("make " + target.string() + " read-only"));
        return target.string();
    }

    void make_tmp() {
        std::string tmpl = opt_.tmp_parent + "/ocirt-bench.XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (!::mkdtemp(buf.data())) die(errno_text("mkdtemp " + tmpl));
        tmp_ = buf.data();
    }

    std::vector<Runtime*> rotated(int r) {
        std::vector<Runtime*> v;
        for (auto& rt : rts_) v.push_back(&rt);
        if (!v.empty()) std::rotate(v.begin(), v.begin() + (r % static_cast<int>(v.size())), v.end());
        if ((r / static_cast<int>(std::max<size_t>(v.size(), 1))) % 2) std::reverse(v.begin(), v.end());
        return v;
    }

    void prepare(const std::string& name) {
        Runtime rt;
        rt.name = name;
        auto it = opt_.paths.find(name);
        rt.path = find_in_path(it != opt_.paths.end() ? it->second : name);
        if (rt.path.empty() || ::access(rt.path.c_str(), X_OK) != 0)
            rt.unavailable = "no executable " + (it != opt_.paths.end() ? it->second : name);
        fs::path dir = tmp_ / name;
        rt.root = dir / "root";
        rt.bundle = dir / "bundle";
        rt.pidfile = dir / "create.pid";
        fs::create_directories(rt.root);
        fs::create_directories(rt.bundle);
        if (rt.unavailable.empty()) {
            Outcome v = sp_.run({rt.path, "--version"}, true);
            std::istringstream in(v.out);
            std::getline(in, rt.version);
            rt.version = trim(rt.version);
            if (rt.version.empty()) rt.version = v.ok ? "?" : "? (" + v.err + ")";
        }
        rts_.push_back(std::move(rt));
        write_bundle(rts_.back(), "");
    }

    // The busybox bundle's config with process.args ["/bin/true"], no terminal and an absolute root.path.
    void write_bundle(Runtime& rt, const std::string& oci_version) {
        json c = json::parse(read_file(opt_.bundle / "config.json"));
        c["process"]["args"] = json::array({"/bin/true"});
        c["process"]["terminal"] = false;
        fs::path rootfs = c["root"]["path"].get<std::string>();
        if (rootfs.is_relative()) rootfs = opt_.bundle / rootfs;
        c["root"]["path"] = fs::weakly_canonical(rootfs).string();
        if (!oci_version.empty()) c["ociVersion"] = oci_version;
        rt.oci_version = c["ociVersion"].get<std::string>();
        std::ofstream(rt.bundle / "config.json") << c.dump(2) << "\n";
    }

    std::vector<std::string> cmd(const Runtime& rt, std::initializer_list<std::string> args) {
        std::vector<std::string> v{rt.path, "--root", rt.root.string()};
        v.insert(v.end(), args);
        return v;
    }

    std::string next_id(const Runtime& rt, const char* what) {
        return "bench-" + std::to_string(::getpid()) + "-" + rt.name + "-" + what + "-" + std::to_string(++seq_);
    }

    // Removes whatever a failed step may have left. Untimed.
    void force_delete(const Runtime& rt, const std::string& id) {
        sp_.run(cmd(rt, {"delete", "--force", id}));
        reap_orphans();
    }

    // One untimed run first: warms the page cache and finds out whether the runtime accepts the config.
    // crun 1.8.1 knows runtime-spec versions up to 1.1 only ("unknown version specified").
    void preflight(Runtime& rt) {
        if (!rt.unavailable.empty()) return;
        for (const char* v : {"", "1.1.0", "1.0.2"}) {
            if (*v) write_bundle(rt, v);
            std::string id = next_id(rt, "warm");
            Outcome o = sp_.run(cmd(rt, {"run", "--bundle", rt.bundle.string(), id}));
            if (!o.ok) force_delete(rt, id);
            reap_orphans();
            if (o.ok) return;
            if (o.err.find("version") == std::string::npos) break;
        }
        write_bundle(rt, "");
    }

    // A binary the linker has just written sits in the page cache in large folios, and each page fault then
    // maps a whole folio, so its peak RSS reads higher than the same binary read back from disk. Dropping the
    // clean page cache once (proc(5), /proc/sys/vm/drop_caches) has every runtime's binary and libraries
    // read back alike; the warm-up run that follows brings them in again before anything is timed.
    void drop_page_cache() {
        ::sync();
        std::ofstream f("/proc/sys/vm/drop_caches");
        f << "1\n";
        f.flush();
        if (!f) die("write /proc/sys/vm/drop_caches (--keep-page-cache skips it)");
        page_cache_note_ = "page cache dropped once before the warm-up runs";
    }

    static std::string loadavg() {
        std::istringstream in(read_file("/proc/loadavg"));
        std::string a, b, c;
        in >> a >> b >> c;
        return a + " " + b + " " + c;
    }

    // What the harness itself costs: fork, exec and wait4 of a static busybox `true` from the bundle's
    // rootfs. Its ru_maxrss is the floor under every RSS figure (a forked child starts with a copy of this
    // program's page tables, and the kernel keeps the pre-exec peak).
    void measure_floor() {
        fs::path bb = floor_binary_;
        if (bb.empty()) return;
        Outcome o = sp_.run({bb.string(), "true"});
        if (o.ok) {
            floor_ms_.add(o.ms);
            floor_rss_.add(static_cast<double>(o.ru.ru_maxrss) / 1024.0);
        }
    }

    bool skip(Runtime& rt, std::initializer_list<Metric> ms) {
        if (rt.unavailable.empty()) return false;
        for (Metric m : ms) rt.m[m].fail(rt.unavailable);
        return true;
    }

    void measure_run(Runtime& rt) {
        if (skip(rt, {kRunMs, kRunRss, kRunFaults})) return;
        std::string id = next_id(rt, "run");
        Outcome o = sp_.run(cmd(rt, {"run", "--bundle", rt.bundle.string(), id}));
        if (o.ok) {
            rt.m[kRunMs].add(o.ms);
            rt.m[kRunRss].add(static_cast<double>(o.ru.ru_maxrss) / 1024.0);
            rt.m[kRunFaults].add(static_cast<double>(o.ru.ru_minflt + o.ru.ru_majflt));
        } else {
            for (Metric m : {kRunMs, kRunRss, kRunFaults}) rt.m[m].fail(o.err);
            force_delete(rt, id);
        }
        reap_orphans();
    }

    // Untimed: does `run` of /bin/echo succeed under each tiny memory limit? The runtime's own stages run in
    // the container's cgroup until the exec, so their memory counts against the limit too.
    void measure_tiny_memory(Runtime& rt) {
        if (!rt.unavailable.empty()) return;
        fs::path bundle = rt.bundle.parent_path() / "bundle-tiny-memory";
        fs::create_directories(bundle);
        for (int64_t limit : kTinyMemoryLimits) {
            json c = json::parse(read_file(rt.bundle / "config.json"));
            c["process"]["args"] = json::array({"/bin/echo", "tiny"});
            c["linux"]["resources"]["memory"]["limit"] = limit;
            std::ofstream(bundle / "config.json") << c.dump(2) << "\n";
            std::string id = next_id(rt, "tinymem");
            Outcome o = sp_.run(cmd(rt, {"run", "--bundle", bundle.string(), id}), true);
            if (o.ok && o.out.find("tiny") != std::string::npos) {
                rt.tiny_memory.push_back("ok");
            } else {
                rt.tiny_memory.push_back("fails: " + (o.ok ? std::string("no output") : o.err));
                force_delete(rt, id);
            }
            reap_orphans();
        }
    }

    void measure_lifecycle(Runtime& rt) {
        if (skip(rt, {kCreateMs, kStartMs, kDeleteMs, kCreateRss})) return;
        std::string id = next_id(rt, "life");
        std::error_code ec;
        fs::remove(rt.pidfile, ec);
        Outcome c = sp_.run(cmd(rt, {"create", "--bundle", rt.bundle.string(), "--pid-file", rt.pidfile.string(), id}));
        if (!c.ok) {
            rt.m[kCreateMs].fail(c.err);
            rt.m[kCreateRss].fail(c.err);
            rt.m[kStartMs].fail("create failed");
            rt.m[kDeleteMs].fail("create failed");
            force_delete(rt, id);
            return;
        }
        rt.m[kCreateMs].add(c.ms);
        rt.m[kCreateRss].add(static_cast<double>(c.ru.ru_maxrss) / 1024.0);
        pid_t init = 0;
        try {
            init = static_cast<pid_t>(std::stol(trim(read_file(rt.pidfile))));
        } catch (const std::exception&) {
            init = 0;
        }

        Outcome s = sp_.run(cmd(rt, {"start", id}));
        if (!s.ok) {
            rt.m[kStartMs].fail(s.err);
            rt.m[kDeleteMs].fail("start failed");
            force_delete(rt, id);
            return;
        }
        rt.m[kStartMs].add(s.ms);
        // Wait (untimed) until /bin/true has exited, so that delete sees a stopped container.
        if (init > 0) wait_gone(init, 5000);
        else ::usleep(100000);
        reap_orphans();

        Outcome d = sp_.run(cmd(rt, {"delete", id}));
        if (d.ok) rt.m[kDeleteMs].add(d.ms);
        else {
            rt.m[kDeleteMs].fail(d.err);
            force_delete(rt, id);
        }
        reap_orphans();
    }

    void measure_count(Runtime& rt) {
        if (skip(rt, {kProcs, kThreads, kExecs})) return;
        ProcEvents ev;
        auto fail_all = [&](const std::string& e) {
            for (Metric m : {kProcs, kThreads, kExecs}) rt.m[m].fail(e);
        };
        if (!ev) return fail_all(ev.error());
        std::vector<ProcEvents::Fork> forks;
        std::vector<pid_t> execs;
        ev.drain(forks, execs);  // whatever was queued before our run
        forks.clear();
        execs.clear();
        std::string id = next_id(rt, "count");
        pid_t pid = sp_.start(cmd(rt, {"run", "--bundle", rt.bundle.string(), id}), false);
        Outcome o = sp_.finish(pid, false);
        bool complete = ev.drain(forks, execs);
        if (!o.ok) {
            fail_all(o.err);
            force_delete(rt, id);
            return;
        }
        reap_orphans();
        if (!complete) return fail_all("process events lost (ENOBUFS)");
        ProcCount c = count_tree(pid, forks, execs);
        rt.m[kProcs].add(static_cast<double>(c.procs));
        rt.m[kThreads].add(static_cast<double>(c.threads));
        rt.m[kExecs].add(static_cast<double>(c.execs));
    }

    void measure_burst(Runtime& rt, int round) {
        if (skip(rt, {kBurst})) return;
        if (round > 0 && rt.m[kBurst].v.empty()) return;  // every earlier burst failed
        {
            std::vector<std::vector<std::string>> argvs;
            for (int i = 0; i < opt_.burst; ++i) argvs.push_back(cmd(rt, {"run", "--bundle", rt.bundle.string(), next_id(rt, "burst")}));
            double t0 = now_ms();
            for (const auto& a : argvs) {
                Outcome o = sp_.run(a);
                reap_orphans();
                if (!o.ok) {
                    rt.m[kBurst].fail(o.err);
                    force_delete(rt, a.back());
                    return;
                }
                if (g_stop) return;
            }
            rt.m[kBurst].add((now_ms() - t0) / 1e3);
        }
    }

    // ocirt's own create, step by step, from its --debug log. ocirt's step lines end in " t=SEC.USEC", a
    // CLOCK_MONOTONIC stamp taken where the step happened (in the parent or in the child), the same clock
    // this program times with, so each step is placed relative to our fork of `ocirt create`. Lines
    // without that stamp are placed by their "time" field (wall clock, relative to the first line).
    std::string ocirt_timeline() {
        Runtime* oc = nullptr;
        for (auto& rt : rts_)
            if (rt.name == "ocirt" && rt.unavailable.empty()) oc = &rt;
        if (!oc) return {};
        fs::path log = tmp_ / "ocirt-debug.log";
        std::string id = next_id(*oc, "timeline");
        std::vector<std::string> a{oc->path, "--root", oc->root.string(), "--debug", "--log", log.string(),
                                   "--log-format", "json", "create", "--bundle", oc->bundle.string(), id};
        double fork_ms = now_ms();  // a few microseconds before the fork inside run()
        Outcome c = sp_.run(a);
        double exit_ms = fork_ms + c.ms;

        struct Step {
            double ms;  // monotonic ms, or wall-clock ms when !mono
            bool mono;
            std::string msg;
        };
        std::vector<Step> steps;
        bool saw_debug = false;
        std::ifstream in(log);
        for (std::string line; std::getline(in, line);) {
            line = trim(line);
            if (line.empty()) continue;
            std::string t, msg, level;
            try {
                json j = json::parse(line);
                t = j.value("time", "");
                msg = j.value("msg", "");
                level = j.value("level", "");
            } catch (const std::exception&) {
                // text format: time="..." level=... msg="..."
                auto tp = line.find("time=\"");
                auto mp = line.find("msg=");
                if (tp == std::string::npos) continue;
                t = line.substr(tp + 6, line.find('"', tp + 6) - tp - 6);
                msg = mp == std::string::npos ? line : line.substr(mp + 4);
                if (line.find("level=debug") != std::string::npos) level = "debug";
            }
            if (level == "debug") saw_debug = true;
            else if (!level.empty()) msg = level + ": " + msg;
            Step st{0, false, msg};
            if (auto p = msg.rfind(" t="); p != std::string::npos) {
                char* end = nullptr;
                double sec = std::strtod(msg.c_str() + p + 3, &end);
                if (end && end != msg.c_str() + p + 3) {
                    st = {sec * 1e3, true, msg.substr(0, p) + std::string(end)};
                }
            }
            if (!st.mono) {
                auto secs = parse_rfc3339(t);
                if (!secs) continue;
                st.ms = *secs * 1e3;
            }
            steps.push_back(st);
        }
        if (c.ok) {
            sp_.run(cmd(*oc, {"start", id}));
            ::usleep(50000);
        }
        force_delete(*oc, id);

        std::string out;
        char head[256];
        std::snprintf(head, sizeof head, "ocirt `create` with --debug (one untimed run): %.2f ms wall%s%s\n\n", c.ms,
                      c.ok ? "" : ", failed: ", c.ok ? "" : c.err.c_str());
        out += head;
        if (!saw_debug) {
            out += "no debug timeline yet";
            if (!steps.empty())
                out += " (log lines: " + std::to_string(steps.size()) + ", none at level debug; last: " + steps.back().msg + ")";
            return out + "\n";
        }
        bool all_mono = std::all_of(steps.begin(), steps.end(), [](const Step& x) { return x.mono; });
        if (all_mono) {
            std::stable_sort(steps.begin(), steps.end(), [](const Step& x, const Step& y) { return x.ms < y.ms; });
            steps.insert(steps.begin(), Step{fork_ms, true, "(bench) fork of `ocirt create`"});
            steps.push_back(Step{exit_ms, true, "(bench) wait4 returned: ocirt create exited"});
            out += "Offsets from the bench's fork of ocirt (CLOCK_MONOTONIC stamps in the lines, sorted):\n\n";
        } else {
            out += "Offsets from the first log line (its \"time\" field):\n\n";
        }
        out += "| +ms | Δms | step |\n|---:|---:|---|\n";
        double first = steps.front().ms, prev = first;
        for (auto& st : steps) {
            std::string m = st.msg;
            for (char& ch : m)
                if (ch == '|' || ch == '\n') ch = '/';
            if (m.size() > 120) m = m.substr(0, 117) + "...";
            char row[512];
            std::snprintf(row, sizeof row, "| %.3f | %.3f | %s |\n", st.ms - first, st.ms - prev, m.c_str());
            out += row;
            prev = st.ms;
        }
        return out;
    }

    // "2026-11-23T09:18:25.642973123Z" or "...+01:00" → seconds since the epoch.
    static std::optional<double> parse_rfc3339(const std::string& s) {
        int Y, M, D, h, m, sec, used = 0;
        if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &Y, &M, &D, &h, &m, &sec, &used) != 6) return std::nullopt;
        std::tm tm{};
        tm.tm_year = Y - 1900;
        tm.tm_mon = M - 1;
        tm.tm_mday = D;
        tm.tm_hour = h;
        tm.tm_min = m;
        tm.tm_sec = sec;
        double t = static_cast<double>(timegm(&tm));
        size_t i = static_cast<size_t>(used);
        if (i < s.size() && s[i] == '.') {
            double scale = 0.1;
            for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, scale /= 10) t += (s[i] - '0') * scale;
        }
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            int oh = 0, om = 0;
            if (std::sscanf(s.c_str() + i + 1, "%2d:%2d", &oh, &om) == 2) t -= (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
        }
        return t;
    }

    void cleanup() {
        // Every id is removed right after its step; this catches anything left by an interrupted run.
        for (auto& rt : rts_) {
            if (!rt.unavailable.empty()) continue;
            std::error_code ec;
            for (const auto& e : fs::directory_iterator(rt.root, ec))
                if (e.is_directory()) force_delete(rt, e.path().filename().string());
        }
        reap_orphans();
        // Anything still re-parented to us is a container process a runtime left behind: it was started
        // by this run, so end it rather than leave it to the host.
        const pid_t self = ::getpid();
        int killed = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/proc", ec)) {
            std::string name = e.path().filename().string();
            if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
            std::string stat = read_file(e.path() / "stat");
            auto rp = stat.rfind(')');
            if (rp == std::string::npos) continue;
            char state = 0;
            int ppid = 0;
            if (std::sscanf(stat.c_str() + rp + 1, " %c %d", &state, &ppid) != 2 || ppid != self) continue;
            pid_t pid = static_cast<pid_t>(std::stol(name));
            if (state != 'Z' && ::kill(pid, SIGKILL) == 0) ++killed;
            ::waitpid(pid, nullptr, 0);
        }
        if (killed) std::fprintf(stderr, "ocirt-bench: killed %d leftover process(es) of the runtimes\n", killed);
    }

    void write_json() {
        static const char* keys[kMetricCount] = {"run_ms", "create_ms", "start_ms", "delete_ms", "run_maxrss_mib",
                                                 "create_maxrss_mib", "run_faults", "procs", "threads", "execs",
                                                 "burst_s"};
        json j;
        j["rounds"] = opt_.rounds;
        j["burst"] = opt_.burst;
        j["ocirt_commit"] = opt_.ocirt_commit;
        j["floor_ms"] = floor_ms_.v;
        j["floor_maxrss_mib"] = floor_rss_.v;
        for (auto& rt : rts_) {
            json r;
            r["path"] = rt.path;
            r["version"] = rt.version;
            for (int k = 0; k < kMetricCount; ++k) {
                r[keys[k]]["samples"] = rt.m[k].v;
                if (!rt.m[k].err.empty()) r[keys[k]]["error"] = rt.m[k].err;
                r[keys[k]]["fails"] = rt.m[k].fails;
            }
            j["runtimes"][rt.name] = r;
        }
        std::ofstream(opt_.json_out) << j.dump(2) << "\n";
    }

    static std::string fmt(std::optional<double> x, int decimals) {
        if (!x) return "—";
        char b[64];
        std::snprintf(b, sizeof b, "%.*f", decimals, *x);
        return b;
    }

    void print(const std::string& timeline) {
        static const MetricInfo info[kMetricCount] = {
            {"`run` /bin/true", "ms", 2},
            {"`create`", "ms", 2},
            {"`start`", "ms", 2},
            {"`delete` (stopped container)", "ms", 2},
            {"peak RSS, `run` (ru_maxrss)", "MiB", 1},
            {"peak RSS, `create` (ru_maxrss)", "MiB", 1},
            {"page faults per `run` (min+maj)", "", 0},
            {"processes created per `run` (incl. the container's)", "", 0},
            {"threads created per `run`", "", 0},
            {"execve per `run` (after the runtime's own)", "", 0},
            {"burst", "s", 2},
        };
        utsname u{};
        ::uname(&u);
        char date[64];
        std::time_t tt = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);

        const Runtime* crun = nullptr;
        for (auto& rt : rts_)
            if (rt.name == "crun") crun = &rt;

        std::printf("\n### ocirt vs crun vs runc (`tools/bench`)\n\n");
        std::printf("%s · kernel %s (%s) · %ld CPUs · %d rounds, burst %d × `run` × %d rounds · nice %d\n\n", date,
                    u.release, u.machine, ::sysconf(_SC_NPROCESSORS_ONLN), opt_.rounds, opt_.burst, opt_.burst_rounds,
                    opt_.nice);
        for (auto& rt : rts_) {
            std::printf("- **%s**: %s", rt.name.c_str(), rt.unavailable.empty() ? rt.version.c_str() : rt.unavailable.c_str());
            if (rt.name == "ocirt") std::printf(" (git %s)", opt_.ocirt_commit.c_str());
            std::printf(" — `%s`, config ociVersion %s\n", rt.path.c_str(), rt.oci_version.c_str());
        }
        std::printf("\n| metric |");
        for (auto& rt : rts_) std::printf(" %s min | %s median |", rt.name.c_str(), rt.name.c_str());
        std::vector<const Runtime*> ratio;
        if (crun)
            for (auto& rt : rts_)
                if (&rt != crun) ratio.push_back(&rt);
        for (auto* rt : ratio) std::printf(" %s/crun |", rt->name.c_str());
        std::printf("\n|---|");
        for (size_t i = 0; i < rts_.size(); ++i) std::printf("---:|---:|");
        for (size_t i = 0; i < ratio.size(); ++i) std::printf("---:|");
        std::printf("\n");
        for (int k = 0; k < kMetricCount; ++k) {
            bool measured = false;
            for (auto& rt : rts_) measured = measured || !rt.m[k].v.empty() || !rt.m[k].err.empty();
            if (!measured) continue;  // e.g. --no-count, or a burst of 0
            std::string label = info[k].label;
            if (k == kBurst) label = "burst: " + std::to_string(opt_.burst) + " × `run`, total";
            if (*info[k].unit) label += std::string(" (") + info[k].unit + ")";
            std::printf("| %s |", label.c_str());
            for (auto& rt : rts_) {
                const Series& s = rt.m[k];
                if (s.v.empty()) {
                    std::printf(" n/a: %s | — |", s.err.empty() ? "not measured" : s.err.c_str());
                    continue;
                }
                std::string note = s.fails ? " (" + std::to_string(s.fails) + " failed)" : "";
                std::printf(" %s | %s%s |", fmt(s.min(), info[k].decimals).c_str(), fmt(s.median(), info[k].decimals).c_str(),
                            note.c_str());
            }
            for (auto* rt : ratio) {
                auto a = rt->m[k].median(), b = crun->m[k].median();
                if (a && b && *b != 0) std::printf(" %.2f |", *a / *b);
                else std::printf(" — |");
            }
            std::printf("\n");
        }
        std::printf("\nRatios are of medians. Times: wall clock (CLOCK_MONOTONIC) from fork to wait4 of the runtime "
                    "command. RSS: wait4's ru_maxrss = the largest peak resident set of any one process in the "
                    "runtime's tree that it waited for (not a sum). Faults: minflt+majflt summed over that tree. "
                    "Process/thread/exec counts: kernel process events (untimed extra run per round). "
                    "cgroup view: %s. %s.\n",
                    view_note_.c_str(), page_cache_note_.c_str());
        if (floor_ms_.median())
            std::printf("\nHarness floor (fork + exec + wait4 of static busybox `true`): %s ms, ru_maxrss %s MiB "
                        "(medians). Load average before/after: %s / %s.\n",
                        fmt(floor_ms_.median(), 2).c_str(), fmt(floor_rss_.median(), 1).c_str(), load_before_.c_str(),
                        load_after_.c_str());
        bool tiny = false;
        for (auto& rt : rts_) tiny = tiny || !rt.tiny_memory.empty();
        if (tiny) {
            std::printf("\nTiny memory limits: `run` of /bin/echo with linux.resources.memory.limit (one untimed run "
                        "each)\n\n| runtime | 1 MiB | 512 KiB | 256 KiB |\n|---|---|---|---|\n");
            for (auto& rt : rts_) {
                if (rt.tiny_memory.empty()) continue;
                std::printf("| %s |", rt.name.c_str());
                for (const auto& r : rt.tiny_memory) std::printf(" %s |", r.c_str());
                std::printf("\n");
            }
        }
        if (!timeline.empty()) std::printf("\n%s", timeline.c_str());
        std::fflush(stdout);
    }

    Options opt_;
    Spawner sp_;
    std::vector<Runtime> rts_;
    fs::path tmp_;
    std::string host_controllers_, view_note_, view_mounted_, load_before_, load_after_, read_only_ocirt_;
    std::string page_cache_note_ = "page cache left as it was";
    fs::path floor_binary_;
    Series floor_ms_, floor_rss_;
    unsigned seq_ = 0;
};

void usage(FILE* f) {
    std::fprintf(f, R"(usage: tools/bench [options]

Measures OCI runtimes side by side in one run and prints one markdown table (min and median of each
metric, and each runtime's median relative to crun's). Must run as root.

  --runtimes LIST        comma-separated runtimes to measure (default: ocirt,ocirt-ro,crun,runc); ocirt-ro
                         is ocirt's binary through a read-only bind mount (its CVE-2019-5736 re-exec skipped)
  --ocirt PATH           ocirt binary (default: build/ocirt of the repository)
  --crun PATH, --runc PATH
                         peer binaries (default: found on PATH)
  --runtime NAME=PATH    binary for any runtime named in --runtimes (e.g. youki=/usr/local/bin/youki)
  --rounds N             rounds of run / create / start / delete, and counting runs (default: 10)
  --burst N              containers per burst: N sequential `run`s of /bin/true (default: 100; 0: none)
  --burst-rounds N       bursts per runtime (default: 3)
  --bundle DIR           bundle whose config.json and rootfs are used (default: bundles/busybox)
  --no-private-view      do not hide the cgroup2 root's controller list (crun 1.8.1 then fails here)
  --no-count             skip the untimed runs that count processes, threads and execs
  --no-timeline          skip ocirt's --debug create timeline
  --keep-tmp             keep the temporary state and bundle directories
  --keep-page-cache      do not drop the clean page cache before the warm-up runs (by default it is dropped
                         once, so that a freshly linked binary's RSS compares fairly with installed ones)
  --tmpdir DIR           where the temporary directory is made (default: /tmp)
  --nice N               nice value for this program and the runtimes it runs, to keep background
                         load from skewing the times (default: -10; 0 leaves it alone)
  --json FILE            also write every sample to FILE (JSON)
  --timeout S            kill a runtime command that takes longer than S seconds (default: 30; 0: never)
  -h, --help             this help

The order of the runtimes rotates from round to round. Every runtime gets its own --root state
directory and bundle under a temporary directory, with process.args ["/bin/true"], terminal false and
an absolute root.path. All runtimes run in one private mount namespace in which an empty file is bound
over /sys/fs/cgroup/unified/cgroup.controllers; the host's mounts are never changed.
)");
}

Options parse(int argc, char** argv) {
    Options o;
    enum { kOcirt = 256, kCrun, kRunc, kRuntime, kRounds, kBurst, kBurstRounds, kBundle, kNoView, kNoCount, kNoTimeline,
           kKeep, kTmp, kCommit, kRuntimes, kNice, kJson, kTimeout, kKeepPageCache };
    static const option longopts[] = {
        {"runtimes", required_argument, nullptr, kRuntimes}, {"ocirt", required_argument, nullptr, kOcirt},
        {"crun", required_argument, nullptr, kCrun},         {"runc", required_argument, nullptr, kRunc},
        {"runtime", required_argument, nullptr, kRuntime},   {"rounds", required_argument, nullptr, kRounds},
        {"burst", required_argument, nullptr, kBurst},       {"burst-rounds", required_argument, nullptr, kBurstRounds},
        {"bundle", required_argument, nullptr, kBundle},     {"no-private-view", no_argument, nullptr, kNoView},
        {"no-count", no_argument, nullptr, kNoCount},        {"no-timeline", no_argument, nullptr, kNoTimeline},
        {"keep-tmp", no_argument, nullptr, kKeep},           {"tmpdir", required_argument, nullptr, kTmp},
        {"ocirt-commit", required_argument, nullptr, kCommit}, {"nice", required_argument, nullptr, kNice},
        {"json", required_argument, nullptr, kJson},         {"timeout", required_argument, nullptr, kTimeout},
        {"keep-page-cache", no_argument, nullptr, kKeepPageCache},         {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0}};
    auto number = [](const char* s, const char* flag) {
        char* end = nullptr;
        long v = std::strtol(s, &end, 10);
        if (!*s || *end || v < 0 || v > 1000000) die(std::string("bad number for ") + flag + ": " + s);
        return static_cast<int>(v);
    };
    for (int c; (c = getopt_long(argc, argv, "h", longopts, nullptr)) != -1;) {
        switch (c) {
            case kRuntimes: {
                o.runtimes.clear();
                std::istringstream in(optarg);
                for (std::string n; std::getline(in, n, ',');)
                    if (!trim(n).empty()) o.runtimes.push_back(trim(n));
                if (o.runtimes.empty()) die("--runtimes: empty list");
                break;
            }
            case kOcirt: o.paths["ocirt"] = optarg; break;
            case kCrun: o.paths["crun"] = optarg; break;
            case kRunc: o.paths["runc"] = optarg; break;
            case kRuntime: {
                std::string s = optarg;
                auto eq = s.find('=');
                if (eq == std::string::npos || eq == 0) die("--runtime wants NAME=PATH");
                o.paths[s.substr(0, eq)] = s.substr(eq + 1);
                break;
            }
            case kRounds: o.rounds = number(optarg, "--rounds"); break;
            case kBurst: o.burst = number(optarg, "--burst"); break;
            case kBurstRounds: o.burst_rounds = number(optarg, "--burst-rounds"); break;
            case kBundle: o.bundle = optarg; break;
            case kNoView: o.private_view = false; break;
            case kNoCount: o.count = false; break;
            case kNoTimeline: o.timeline = false; break;
            case kKeep: o.keep_tmp = true; break;
            case kTmp: o.tmp_parent = optarg; break;
            case kCommit: o.ocirt_commit = optarg; break;
            case kNice: {
                char* end = nullptr;
                long v = std::strtol(optarg, &end, 10);
                if (!*optarg || *end || v < -20 || v > 19) die(std::string("bad --nice: ") + optarg);
                o.nice = static_cast<int>(v);
                break;
            }
            case kJson: o.json_out = optarg; break;
            case kTimeout: o.timeout = number(optarg, "--timeout"); break;
            case kKeepPageCache: o.drop_caches = false; break;
            case 'h': usage(stdout); std::exit(0);
            default: usage(stderr); std::exit(1);
        }
    }
    if (optind < argc) die(std::string("unexpected argument: ") + argv[optind]);
    if (o.bundle.empty()) die("--bundle is required (tools/bench passes bundles/busybox)");
    o.bundle = fs::absolute(o.bundle);
    if (!fs::exists(o.bundle / "config.json")) die("no config.json in " + o.bundle.string());
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    if (::geteuid() != 0) die("must run as root (containers are created as root)");
    struct sigaction sa{};
    sa.sa_handler = on_signal;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    if (o.nice != 0 && ::setpriority(PRIO_PROCESS, 0, o.nice) != 0) die(errno_text("setpriority"));
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) die(errno_text("PR_SET_CHILD_SUBREAPER"));
    try {
        Bench b(std::move(o));
        return b.main();
    } catch (const std::exception& e) {
        die(e.what());
    }
}
