// pause/resume, stats and kill --all on a real cgroup under this host's cgroup2 mount, with a Manager that
// sees only that mount (as on a v2-only host).
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cgroups/drivers.hpp"
#include "util/error.hpp"
#include "temp_tree.hpp"
#include "../support/skip.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;

using ocirt::unit_test::slurp;

namespace {

// The host's mount table reduced to its cgroup2 line; empty when there is none.
std::string unified_only_mountinfo() {
    std::istringstream in(slurp("/proc/self/mountinfo"));
    for (std::string line; std::getline(in, line);)
        if (line.find(" - cgroup2 ") != std::string::npos) return line + "\n";
    return "";
}

struct SharedCounter {
    std::atomic<unsigned long>* value;
    SharedCounter() {
        void* p = mmap(nullptr, sizeof(std::atomic<unsigned long>), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        REQUIRE(p != MAP_FAILED);
        value = new (p) std::atomic<unsigned long>(0);
    }
    ~SharedCounter() { munmap(value, sizeof *value); }
    unsigned long get() const { return value->load(); }
};

struct Spinner {
    pid_t pid = -1;
    bool reaped = false;
    explicit Spinner(SharedCounter& counter) {
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            signal(SIGKILL, SIG_DFL);
            for (;;) counter.value->fetch_add(1);
        }
    }
    int wait_signal() {
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        reaped = true;
        return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
    }
    ~Spinner() {
        if (reaped) return;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
};

struct Removed {
    Manager& m;
    ~Removed() {
        try {
            m.destroy();
        } catch (const ocirt::Error&) {
        }
    }
};

}  // namespace

TEST_CASE("cgroups v2 host: cgroup.freeze stops and resumes a process, cpu.stat counts it, cgroup.kill kills it") {
    std::string mountinfo = unified_only_mountinfo();
    OCIRT_SKIP_IF(geteuid() != 0 || mountinfo.empty(), "needs root and a cgroup2 mount");
    auto hierarchy = Hierarchy::parse(mountinfo, "0::/\n", "/sys/fs/cgroup");
    REQUIRE(hierarchy.mode() == Hierarchy::Mode::v2);
    std::string id = "ocirt-v2-commands-" + std::to_string(getpid());
    auto owned = cgroupfs_cgroup("/" + id, id, hierarchy);
    Manager& m = *owned;
    m.create();
    Removed removed{m};
    std::string dir = m.placements().front().directory();
    OCIRT_SKIP_IF(!fs::exists(dir + "/cgroup.freeze"), "this kernel's cgroup2 has no cgroup.freeze");
    SharedCounter counter;
    Spinner spinner(counter);
    m.add_process(spinner.pid);
    CHECK(m.pids() == std::vector<pid_t>{spinner.pid});
    REQUIRE(m.can_freeze());

    m.freeze();
    CHECK(m.frozen());
    CHECK(slurp(dir + "/cgroup.freeze") == "1\n");
    unsigned long frozen_at = counter.get();
    usleep(100 * 1000);
    CHECK(counter.get() == frozen_at);

    m.thaw();
    CHECK_FALSE(m.frozen());
    usleep(100 * 1000);
    CHECK(counter.get() > frozen_at);

    Stats stats = m.stats();
    CHECK(stats.cpu.total > 0);
    CHECK(stats.cpu.total >= stats.cpu.user);

    if (fs::exists(dir + "/cgroup.kill")) {
        m.freeze();
        m.signal_all(SIGKILL);
        CHECK(spinner.wait_signal() == SIGKILL);
        CHECK(m.pids().empty());
    }
}
