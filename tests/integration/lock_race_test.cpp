// Every command that changes a container holds its state directory's lock while it does (state/store.hpp).
// Several processes hammer one running container with pause, resume, update, exec, kill and state while
// delete --force removes it: each command must end by itself with 0 or 1, a failure must say one of the
// words clients know, every state.json read must parse, and nothing may be left behind.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// What a failing command may say. The first three are runc's words for a container that is gone or no longer
// runs (state/container_errors.hpp); the others are refusals that follow from another lane's pause or
// resume having won the race, each naming the state it found.
constexpr const char* kAllowedFailures[] = {
    "does not exist",                       // behind or after delete --force
    "container not running",                // the init died after the status was read
    "no such process",                      // kill found the init gone (ESRCH)
    "is paused, not running",               // pause of a container another lane paused
    "is running, not paused",               // resume of a container another lane resumed
    "cannot exec in the paused container",  // exec while another lane has it paused
};

constexpr auto kHammerTime = std::chrono::milliseconds(1200);
constexpr auto kCommandDeadline = std::chrono::seconds(15);  // far above any holder's time: a hang, not a wait
constexpr auto kLaneDeadline = std::chrono::seconds(8);
constexpr int kRounds = 4;

struct Finished {
    std::vector<std::string> args;
    int exit_code = -1;  // when it exited
    int signal = 0;      // when a signal ended it
    bool hung = false;   // still running at kCommandDeadline (then SIGKILLed)
    std::string out, err;
    bool started_after_delete = false;  // delete --force had returned before this command began
    bool ended_after_delete_began = false;
};

// posix_spawn(3) with stdio in per-lane files, then waitpid(2) polled, so that a command stuck on the lock
// fails the test instead of hanging it.
Finished run_with_deadline(const Ocirt& ocirt, const std::vector<std::string>& args, const std::string& io_prefix) {
    Finished f;
    f.args = args;
    std::vector<std::string> argv = {ocirt_binary(), "--root", ocirt.root()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::error_code ec;
    fs::remove(io_prefix + ".out", ec);
    fs::remove(io_prefix + ".err", ec);
    pid_t pid = spawn_to_files(argv, io_prefix + ".out", io_prefix + ".err");
    auto deadline = Clock::now() + kCommandDeadline;
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) break;
        if (Clock::now() > deadline) {
            f.hung = true;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        ::usleep(500);
    }
    if (WIFEXITED(status)) f.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) f.signal = WTERMSIG(status);
    f.out = read_file(io_prefix + ".out");
    f.err = read_file(io_prefix + ".err");
    return f;
}

struct Lane {
    std::string name;
    std::function<std::vector<std::string>(int turn)> command;
    std::vector<Finished> finished;
    std::thread thread;
};

bool allowed_failure(const std::string& err) {
    for (const char* phrase : kAllowedFailures)
        if (err.find(phrase) != std::string::npos) return true;
    return false;
}

// A foreground exec ends with its process's status: 137 when delete --force's SIGKILL ended `true` first.
bool acceptable_exit(const Finished& f) {
    if (f.hung || f.signal != 0) return false;
    if (f.exit_code == 0 || f.exit_code == 1) return true;
    return f.args.front() == "exec" && f.exit_code == 128 + SIGKILL && f.ended_after_delete_began;
}

std::string described(const Finished& f) {
    std::ostringstream text;
    for (const auto& a : f.args) text << a << " ";
    if (f.hung) text << "→ still running after " << kCommandDeadline.count() << " s";
    else if (f.signal) text << "→ killed by signal " << f.signal;
    else text << "→ exit " << f.exit_code;
    text << (f.err.empty() ? "" : ": " + f.err);
    return text.str();
}

// The outcome's name for the tally: the command and the phrase its failure matched.
std::string outcome_of(const Finished& f) {
    if (f.exit_code == 0) return f.args.front() + ": ok";
    for (const char* phrase : kAllowedFailures)
        if (f.err.find(phrase) != std::string::npos) return f.args.front() + ": " + phrase;
    return f.args.front() + ": exit " + std::to_string(f.exit_code);
}

}  // namespace

TEST_CASE("lock race: pause, resume, update, exec, kill and state against one container while delete --force removes it") {
    Bundle bundle;
    write_sleeping_bundle(bundle);
    Ocirt ocirt;
    TempDir io("ocirt-lock-race-io");
    std::map<std::string, int> tally;
    int state_json_reads = 0;

    for (int round = 0; round < kRounds; ++round) {
        const std::string id = unique_id("lockrace");
        CAPTURE(id);
        Result created = run_to_files(ocirt, {"create", "--bundle", bundle.path(), id}, io.path() + "/create.out",
                                      io.path() + "/create.err");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        Result started = run_to_files(ocirt, {"start", id}, io.path() + "/start.out", io.path() + "/start.err");
        REQUIRE_MESSAGE(started.exit_code == 0, started.err);

        std::atomic<bool> delete_began{false}, delete_returned{false};
        std::vector<Lane> lanes;
        auto pause_resume = [&](int turn) { return std::vector<std::string>{turn % 2 ? "resume" : "pause", id}; };
        lanes.push_back({"pause-resume-1", pause_resume, {}, {}});
        lanes.push_back({"pause-resume-2", pause_resume, {}, {}});
        lanes.push_back({"update", [&](int turn) {
                             return std::vector<std::string>{"update", "--pids-limit", std::to_string(100 + turn % 50), id};
                         }, {}, {}});
        auto exec_true = [&](int) { return std::vector<std::string>{"exec", id, "true"}; };
        lanes.push_back({"exec-1", exec_true, {}, {}});
        lanes.push_back({"exec-2", exec_true, {}, {}});
        // PID 1 of the container has no handler for SIGUSR1 or SIGCONT: the kernel drops them (pid_namespaces(7)),
        // so the lane races the others without ending the container.
        lanes.push_back({"kill", [&](int turn) {
                             return turn % 2 ? std::vector<std::string>{"kill", "--all", id, "SIGCONT"}
                                             : std::vector<std::string>{"kill", id, "SIGUSR1"};
                         }, {}, {}});
        lanes.push_back({"state", [&](int) { return std::vector<std::string>{"state", id}; }, {}, {}});

        const auto lane_deadline = Clock::now() + kLaneDeadline;
        for (auto& lane : lanes) {
            Lane* l = &lane;
            std::string io_prefix = io.path() + "/" + l->name;
            l->thread = std::thread([&, l, io_prefix] {
                int gone_after_delete = 0;
                for (int turn = 0; gone_after_delete < 2 && Clock::now() < lane_deadline; ++turn) {
                    bool after = delete_returned.load();
                    Finished f = run_with_deadline(ocirt, l->command(turn), io_prefix);
                    f.started_after_delete = after;
                    f.ended_after_delete_began = delete_began.load();
                    if (after && f.err.find("does not exist") != std::string::npos) ++gone_after_delete;
                    l->finished.push_back(std::move(f));
                }
            });
        }
        // The test's own reader: state.json straight from the directory, as a client might read it.
        std::vector<std::string> unparsable;
        std::thread reader([&] {
            while (!delete_returned.load()) {
                std::string text = read_file(ocirt.state_dir(id) + "/state.json");
                if (!text.empty()) {  // empty: not there (any more)
                    ++state_json_reads;
                    if (!nlohmann::json::accept(text)) unparsable.push_back(text);
                }
                ::usleep(200);
            }
        });

        std::this_thread::sleep_for(kHammerTime);
        delete_began = true;
        Finished deleted = run_with_deadline(ocirt, {"delete", "--force", id}, io.path() + "/delete");
        delete_returned = true;
        for (auto& lane : lanes) lane.thread.join();
        reader.join();

        CHECK_MESSAGE((!deleted.hung && deleted.signal == 0 && deleted.exit_code == 0), described(deleted));
        for (const auto& text : unparsable) FAIL_CHECK("state.json did not parse: " << text);
        for (const auto& lane : lanes) {
            CAPTURE(lane.name);
            CHECK_MESSAGE(!lane.finished.empty(), "the lane ran no command");
            CHECK_MESSAGE((!lane.finished.empty() && lane.finished.back().err.find("does not exist") != std::string::npos),
                          "the lane's last command did not find the container gone: "
                              << (lane.finished.empty() ? "" : described(lane.finished.back())));
            for (const auto& f : lane.finished) {
                ++tally[outcome_of(f)];
                if (!acceptable_exit(f)) FAIL_CHECK("ended badly: " << described(f));
                else if (f.exit_code == 1 && !allowed_failure(f.err)) FAIL_CHECK("failed in words no client knows: " << described(f));
                else if (f.started_after_delete && f.err.find("does not exist") == std::string::npos)
                    FAIL_CHECK("began after delete --force returned, yet did not find the container gone: " << described(f));
                else if (f.args.front() == "state" && f.exit_code == 0 && !nlohmann::json::accept(f.out))
                    FAIL_CHECK("state printed what does not parse: " << f.out);
            }
        }
        // delete's SIGKILL is delivered at once, but the kernel reaps and removes asynchronously.
        std::vector<std::string> left;
        eventually([&] { return (left = leftovers_of(id, ocirt.state_dir(id), {bundle.path(), ocirt.state_dir(id)})).empty(); }, 3000);
        for (const auto& what : left) FAIL_CHECK("left behind after delete --force of " << id << ": " << what);
        if (!left.empty()) {  // clean up so later rounds and the leak listener are not blamed
            for (pid_t p : live_processes_of(id)) ::kill(p, SIGKILL);
            eventually([&] { return live_processes_of(id).empty(); }, 2000);
            eventually([&] {
                for (const auto& dir : cgroups_named(id)) ::rmdir(dir.c_str());
                return cgroups_named(id).empty();
            }, 2000);
        }
    }
    std::ostringstream summary;
    for (const auto& [outcome, count] : tally) summary << "\n  " << count << " × " << outcome;
    MESSAGE("lock race outcomes over " << kRounds << " rounds (" << state_json_reads << " state.json reads):" << summary.str());
}
