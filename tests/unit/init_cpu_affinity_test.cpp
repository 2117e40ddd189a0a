#include <doctest/doctest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "init/process_attributes.hpp"
#include "linux/scheduling.hpp"
#include "plan/process_plan.hpp"

using namespace ocirt;

namespace {

// Runs `apply` in a forked child and returns the CPUs sched_getaffinity(2) reports there afterwards.
template <class F>
std::vector<int> affinity_after(F apply) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        try {
            apply();
        } catch (...) {
            ::_exit(2);
        }
        cpu_set_t set;
        CPU_ZERO(&set);
        if (::sched_getaffinity(0, sizeof set, &set) < 0) ::_exit(3);
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &set) && ::write(fds[1], &cpu, sizeof cpu) != sizeof cpu) ::_exit(4);
        ::_exit(0);
    }
    ::close(fds[1]);
    std::vector<int> cpus;
    int cpu;
    while (::read(fds[0], &cpu, sizeof cpu) == sizeof cpu) cpus.push_back(cpu);
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    return cpus;
}

}  // namespace

std::vector<int> own_affinity() {
    cpu_set_t own;
    REQUIRE(::sched_getaffinity(0, sizeof own, &own) == 0);
    std::vector<int> cpus;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &own)) cpus.push_back(cpu);
    return cpus;
}

TEST_CASE("init: execCPUAffinity final reaches sched_getaffinity; an empty list changes nothing") {
    plan::ProcessPlan p;
    p.exec_cpu_affinity.final_ = plan::parse_cpu_list("0", "/execCPUAffinity/final");
    CHECK(affinity_after([&] { init::apply_final_cpu_affinity(p); }) == std::vector<int>{0});
    p.exec_cpu_affinity.final_.clear();
    CHECK(affinity_after([&] { init::apply_final_cpu_affinity(p); }) == own_affinity());
}

TEST_CASE("linux: ThreadCpuAffinity (execCPUAffinity initial) holds while it lives, a child forked meanwhile starts with it, then the thread's own comes back") {
    const std::vector<int> before = own_affinity();
    {
        linux_::ThreadCpuAffinity held(plan::parse_cpu_list("0", "/process/execCPUAffinity/initial"));
        CHECK(own_affinity() == std::vector<int>{0});
        CHECK(affinity_after([] {}) == std::vector<int>{0});
    }
    CHECK(own_affinity() == before);
    CHECK_THROWS(linux_::ThreadCpuAffinity(std::vector<int>{CPU_SETSIZE - 1}));
    CHECK(own_affinity() == before);
}
