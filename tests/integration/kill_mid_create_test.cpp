// Issue 7, robustness item 3: SIGKILL `ocirt create` at points spread over its run, then check that
// `state` tells the truth and that `delete --force` leaves nothing behind.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <sstream>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"

namespace fs = std::filesystem;
using namespace ocirt::test;

namespace {

enum class KillPoint { after_delay, on_state_dir, on_exec_fifo };

struct Attempt {
    KillPoint point;
    std::chrono::microseconds delay{0};
};

void sleep_for(std::chrono::microseconds d) {
    struct timespec ts{static_cast<time_t>(d.count() / 1000000), static_cast<long>(d.count() % 1000000) * 1000};
    nanosleep(&ts, nullptr);
}

// Busy-polls (50 µs steps) until `path` exists or the process has exited; false when it exited first.
bool wait_for_path(const std::string& path, pid_t pid) {
    std::error_code ec;
    for (int i = 0; i < 200000; ++i) {
        if (fs::exists(path, ec)) return true;
        siginfo_t info{};
        // waitid(2) with WNOWAIT: peek whether it exited, leaving it for wait_exit_code to reap.
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid) return false;
        sleep_for(std::chrono::microseconds(50));
    }
    return false;
}

// `ocirt state` after the kill: fails saying the container does not exist / was never fully created, or prints
// JSON whose status the kernel bears out. Returns the outcome's name for the tally.
std::string check_state(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"state", id});
    // An init cloned just before the kill shares the create's flock until its first instruction closes
    // it (launcher.cpp): until then the lock truthfully says "still being created"; then the init, its
    // parent gone, exits and the answer must turn into one of the outcomes below.
    if (r.exit_code != 0 && r.err.find("still being created") != std::string::npos)
        eventually([&] {
            r = ocirt({"state", id});
            return r.err.find("still being created") == std::string::npos;
        });
    if (r.exit_code != 0) {
        CHECK_MESSAGE(r.exit_code == 1, "state exit " << r.exit_code << ": " << r.err);
        bool gone = r.err.find("does not exist") != std::string::npos;
        bool half_made = r.err.find("was never fully created") != std::string::npos;
        CHECK_MESSAGE((gone || half_made), "state failed unclearly: " << r.err);
        return gone ? "state: does not exist" : "state: never fully created";
    }
    nlohmann::json state;
    REQUIRE_NOTHROW_MESSAGE(state = nlohmann::json::parse(r.out), r.out);
    REQUIRE(state.contains("status"));
    std::string status = state["status"];
    pid_t pid = state.value("pid", 0);
    if (status == "created" || status == "running" || status == "paused") {
        CHECK_MESSAGE(pid > 0, r.out);
        CHECK_MESSAGE(!process_is_zombie_or_gone(pid), "state says " << status << " but pid " << pid << " is dead");
        CHECK_MESSAGE(process_in_cgroup_of(pid, id), "pid " << pid << " is not in the container's cgroup: "
                                                            << read_file("/proc/" + std::to_string(pid) + "/cgroup"));
        CHECK_MESSAGE(status != "running", "running before start: " << r.out);
    } else {
        CHECK_MESSAGE(status == "stopped", r.out);
    }
    return "state: " + status;
}

}  // namespace

TEST_CASE("kill mid-create: state tells the truth and delete --force leaves nothing") {
    Bundle bundle;
    write_sleeping_bundle(bundle);
    Ocirt ocirt;
    TempDir io("ocirt-kill-mid-create-io");
    const std::string prefix = "kmc" + std::to_string(::getpid()) + "-";

    auto create_argv = [&](const std::string& id) {
        return std::vector<std::string>{ocirt_binary(), "--root", ocirt.root(), "create", "--bundle", bundle.path(), id};
    };

    // One whole create, to spread the kill delays over its duration.
    std::string probe_id = prefix + "probe";
    auto t0 = std::chrono::steady_clock::now();
    Result probe = run_program_to_files(create_argv(probe_id), io.path() + "/probe.out", io.path() + "/probe.err");
    auto create_time = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    REQUIRE_MESSAGE(probe.exit_code == 0, probe.err);
    REQUIRE(ocirt({"delete", "--force", probe_id}).exit_code == 0);
    MESSAGE("one create took " << create_time.count() << " µs");

    std::vector<Attempt> attempts;
    constexpr int kDelayed = 60, kOnStateDir = 20, kOnFifo = 20;
    for (int i = 0; i < kDelayed; ++i)  // 0 .. 1.2 × create time, so a few land after create finished
        attempts.push_back({KillPoint::after_delay, create_time * 12 * i / (10 * (kDelayed - 1))});
    for (int i = 0; i < kOnStateDir; ++i) attempts.push_back({KillPoint::on_state_dir});
    for (int i = 0; i < kOnFifo; ++i) attempts.push_back({KillPoint::on_exec_fifo});

    std::map<std::string, int> tally;
    int n = 0;
    for (const auto& attempt : attempts) {
        std::string id = prefix + std::to_string(n++);
        CAPTURE(id);
        pid_t pid = spawn_to_files(create_argv(id), io.path() + "/out", io.path() + "/err");
        bool reached = true;
        switch (attempt.point) {
            case KillPoint::after_delay: sleep_for(attempt.delay); break;
            case KillPoint::on_state_dir: reached = wait_for_path(ocirt.state_dir(id), pid); break;
            case KillPoint::on_exec_fifo: reached = wait_for_path(ocirt.state_dir(id) + "/exec.fifo", pid); break;
        }
        CHECK_MESSAGE(reached, "create exited before the kill point: " << read_file(io.path() + "/err"));
        ::kill(pid, SIGKILL);
        int code = wait_exit_code(pid);
        std::string how = code == 128 + SIGKILL ? "killed" : "finished (exit " + std::to_string(code) + ")";
        if (code != 128 + SIGKILL) CHECK_MESSAGE(code == 0, read_file(io.path() + "/err"));
        bool had_dir = fs::exists(ocirt.state_dir(id));
        bool had_record = fs::exists(ocirt.state_dir(id) + "/state.json");
        std::string seen = check_state(ocirt, id);
        ++tally[how + ", " + (had_record ? "state.json" : had_dir ? "dir without state.json" : "no state dir") + ", " + seen];

        Result del = ocirt({"delete", "--force", id});
        CHECK_MESSAGE(del.exit_code == 0, del.err);
        // A process of the container that outlived the kill dies with delete's SIGKILL, but the kernel
        // reaps and removes it asynchronously; give the leftovers a moment to go before calling them leaks.
        std::vector<std::string> left;
        eventually([&] { return (left = leftovers_of(id, ocirt.state_dir(id), {bundle.path(), ocirt.state_dir(id)})).empty(); }, 2000);
        for (const auto& what : left) FAIL_CHECK("left behind after delete --force of " << id << ": " << what);
        if (!left.empty()) {  // clean up so later tests and the leak listener are not blamed
            for (pid_t p : live_processes_of(id)) ::kill(p, SIGKILL);
            eventually([&] { return live_processes_of(id).empty(); }, 2000);
            eventually([&] {  // rmdir(2) is EBUSY until the killed tasks have left the cgroup
                for (const auto& dir : cgroups_named(id)) ::rmdir(dir.c_str());
                return cgroups_named(id).empty();
            }, 2000);
        }
    }
    std::ostringstream summary;
    for (const auto& [outcome, count] : tally) summary << "\n  " << count << " × " << outcome;
    MESSAGE("kill mid-create outcomes over " << attempts.size() << " tries:" << summary.str());
}
