#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cgroups/drivers.hpp"
#include "temp_tree.hpp"
#include "../support/skip.hpp"

namespace fs = std::filesystem;
using namespace ocirt::cgroups;

using ocirt::unit_test::slurp;

namespace {

bool host_allows_cgroups() { return geteuid() == 0 && fs::exists("/sys/fs/cgroup") && fs::exists("/proc/self/mountinfo"); }

// A child that waits for SIGTERM with the default action (not doctest's handler); reaped by the test.
pid_t spawn_sleeper() {
    int ready[2];
    REQUIRE(pipe2(ready, O_CLOEXEC) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        if (write(ready[1], "r", 1) != 1) _exit(1);
        for (;;) pause();
    }
    close(ready[1]);
    char byte;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    close(ready[0]);
    return pid;
}

int wait_signal(pid_t pid) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

// cgroups(7): /proc/PID/cgroup lists the process's cgroup in every hierarchy.
std::vector<std::string> cgroup_lines(pid_t pid) {
    std::vector<std::string> lines;
    std::istringstream in(slurp("/proc/" + std::to_string(pid) + "/cgroup"));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("cgroups: a real cgroup on this host holds a forked child, is signalled and removed") {
    OCIRT_SKIP_IF(!host_allows_cgroups(), "needs root and /sys/fs/cgroup");
    auto hierarchy = Hierarchy::detect();
    REQUIRE(hierarchy.mode() != Hierarchy::Mode::none);
    std::string name = "/ocirt-unit-" + std::to_string(getpid());
    auto owned = cgroupfs_cgroup(name + "/leaf", "leaf", hierarchy);
    Manager& m = *owned;
    for (const auto& p : m.placements()) CHECK(p.cgroup == name + "/leaf");
    m.create();
    pid_t child = spawn_sleeper();
    bool reaped = false;
    struct Cleanup {
        Manager& m;
        pid_t child;
        bool& reaped;
        std::string parent;
        ~Cleanup() {
            if (!reaped) {
                kill(child, SIGKILL);
                waitpid(child, nullptr, 0);
            }
            try {
                m.destroy();
            } catch (...) {
            }
            for (const auto& p : m.placements()) rmdir((p.hierarchy.mount_point + parent).c_str());
        }
    } cleanup{m, child, reaped, name};

    m.add_process(child);
    auto lines = cgroup_lines(child);
    for (const auto& p : m.placements()) {
        CAPTURE(p.directory());
        CHECK(fs::is_directory(p.directory()));
        CHECK(slurp(p.directory() + "/cgroup.procs") == std::to_string(child) + "\n");
        std::string suffix = ":" + name + "/leaf";
        bool listed = std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
            bool right_hierarchy = p.hierarchy.unified ? l.rfind("0::", 0) == 0
                                                       : l.find(":" + p.hierarchy.controllers.front()) != std::string::npos;
            return right_hierarchy && l.size() >= suffix.size() && l.compare(l.size() - suffix.size(), suffix.size(), suffix) == 0;
        });
        CHECK(listed);
    }
    CHECK(m.pids() == std::vector<pid_t>{child});
    CHECK_FALSE(m.frozen());

    m.signal_all(SIGTERM);
    CHECK(wait_signal(child) == SIGTERM);
    reaped = true;
    CHECK_FALSE(m.frozen());  // thawed again after signalling

    m.destroy();
    for (const auto& p : m.placements()) {
        CHECK_FALSE(fs::exists(p.directory()));
        CHECK_FALSE(fs::exists(p.hierarchy.mount_point + name));  // create made the parent, so it goes too
    }
}

TEST_CASE("cgroups: without cgroupsPath a container goes under ocirt's own cgroup (v1) or beside it (cgroup2); SIGKILL reaches every process") {
    OCIRT_SKIP_IF(!host_allows_cgroups(), "needs root and /sys/fs/cgroup");
    auto hierarchy = Hierarchy::detect();
    std::string id = "ocirt-unit-default-" + std::to_string(getpid());
    auto owned = cgroupfs_cgroup(std::nullopt, id, hierarchy);
    Manager& m = *owned;
    for (const auto& p : m.placements()) {
        std::string base = p.hierarchy.unified ? fs::path(p.hierarchy.own_cgroup).parent_path().string()
                                               : p.hierarchy.own_cgroup;
        CHECK(p.cgroup == (base == "/" ? "" : base) + "/" + id);
    }
    m.create();
    pid_t a = spawn_sleeper(), b = spawn_sleeper();
    m.add_process(a);
    m.add_process(b);
    auto again = open_recorded(m.record());
    auto pids = again->pids();
    std::sort(pids.begin(), pids.end());
    CHECK(pids == std::vector<pid_t>{std::min(a, b), std::max(a, b)});
    again->signal_all(SIGKILL);
    CHECK(wait_signal(a) == SIGKILL);
    CHECK(wait_signal(b) == SIGKILL);
    again->destroy();
    for (const auto& p : m.placements()) CHECK_FALSE(fs::exists(p.directory()));
}
