// Issue 7, robustness item 4: many containers through create/start/delete from parallel streams sharing
// one --root, then state/kill/delete --force racing on the same container: every command of the first
// part succeeds, the races end only in clear errors, and nothing is left behind.
#include <doctest/doctest.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"

namespace fs = std::filesystem;
using namespace ocirt::test;

namespace {

// doctest's assertions are not thread-safe: the streams collect what went wrong and the test thread reports.
class Findings {
public:
    void add(const std::string& what) {
        std::lock_guard lock(mutex_);
        problems_.push_back(what);
    }
    void count(const std::string& outcome) {
        std::lock_guard lock(mutex_);
        ++tally_[outcome];
    }
    std::vector<std::string> problems() const {
        std::lock_guard lock(mutex_);
        return problems_;
    }
    std::string tally() const {
        std::lock_guard lock(mutex_);
        std::ostringstream out;
        for (const auto& [outcome, n] : tally_) out << "\n  " << n << " × " << outcome;
        return out.str();
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> problems_;
    std::map<std::string, int> tally_;
};

std::string describe(const std::vector<std::string>& argv, const Result& r) {
    std::string text;
    for (size_t i = 3; i < argv.size(); ++i) text += argv[i] + " ";
    return text + "→ exit " + std::to_string(r.exit_code) + ": " + r.err;
}

// One stream: create (stdio in files: the init holds them), start, wait for `true` to end, delete.
void run_stream(const Ocirt& ocirt, const Bundle& bundle, const std::string& prefix, int count, Findings& findings) {
    TempDir io("ocirt-load-io");
    auto ocirt_argv = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {ocirt_binary(), "--root", ocirt.root()});
        return args;
    };
    for (int i = 0; i < count; ++i) {
        std::string id = prefix + std::to_string(i);
        auto must = [&](const std::vector<std::string>& argv, const Result& r) {
            if (r.exit_code != 0) findings.add(describe(argv, r));
            return r.exit_code == 0;
        };
        auto create = ocirt_argv({"create", "--bundle", bundle.path(), id});
        std::string out = io.path() + "/" + id + ".out", err = io.path() + "/" + id + ".err";
        if (!must(create, run_program_to_files(create, out, err))) continue;
        fs::remove(out);
        fs::remove(err);
        auto start = ocirt_argv({"start", id});
        if (must(start, run_program(start))) {
            auto state = ocirt_argv({"state", id});
            bool stopped = eventually([&] {
                Result r = run_program(state);
                if (!must(state, r)) return true;
                try {
                    return nlohmann::json::parse(r.out).at("status") == "stopped";
                } catch (const std::exception& e) {
                    findings.add("state of " + id + " is not valid JSON: " + r.out);
                    return true;
                }
            }, 10000);
            if (!stopped) findings.add(id + " never stopped after start");
        }
        auto remove = ocirt_argv({"delete", id});
        if (!must(remove, run_program(remove))) run_program(ocirt_argv({"delete", "--force", id}));
        findings.count("created, started, deleted");
    }
}

bool clear_error(const std::string& err) {
    for (const char* known : {"does not exist", "container not running", "is stopped", "busy"})
        if (err.find(known) != std::string::npos) return true;
    return false;
}

// One racer: its share of state / kill / delete --force on the shared id, each checked for a clean end.
void race(const Ocirt& ocirt, const std::string& id, int racer, Findings& findings) {
    const std::vector<std::vector<std::string>> ops = {
        {"state", id}, {"kill", id, "KILL"}, {"delete", "--force", id}, {"state", id}, {"kill", id, "TERM"}};
    for (size_t k = 0; k < ops.size(); ++k) {
        auto args = ops[(k + static_cast<size_t>(racer)) % ops.size()];
        std::vector<std::string> argv = {ocirt_binary(), "--root", ocirt.root()};
        argv.insert(argv.end(), args.begin(), args.end());
        Result r = run_program(argv);
        const std::string& command = args[0];
        if (r.exit_code == 0) {
            if (command == "state") {
                try {
                    auto status = nlohmann::json::parse(r.out).at("status").get<std::string>();
                    findings.count("state → " + status);
                } catch (const std::exception&) {
                    findings.add("state printed invalid JSON: " + r.out);
                }
            } else {
                findings.count(command + " → ok");
            }
        } else if (r.exit_code == 1 && clear_error(r.err)) {
            std::string kind;
            for (const char* known : {"does not exist", "container not running", "is stopped", "busy"})
                if (r.err.find(known) != std::string::npos) kind = known;
            findings.count(command + " → " + kind);
        } else {
            findings.add(describe(argv, r));
        }
    }
}

}  // namespace

TEST_CASE("load: 200 containers from 8 parallel streams, then state/kill/delete racing on one id") {
    constexpr int kStreams = 8, kContainers = 200, kRaceRounds = 12, kRacers = 8;
    Ocirt ocirt;
    const std::string prefix = "load" + std::to_string(::getpid()) + "-";
    std::vector<std::string> ids;
    Findings findings;

    Bundle quick;  // the streams' containers: the process ends at once, so delete needs no --force
    quick.config["process"]["args"] = {"true"};
    quick.config["process"]["terminal"] = false;
    quick.write();
    {
        std::vector<std::thread> streams;
        for (int s = 0; s < kStreams; ++s) {
            std::string stream_prefix = prefix + "s" + std::to_string(s) + "-";
            for (int i = 0; i < kContainers / kStreams; ++i) ids.push_back(stream_prefix + std::to_string(i));
            streams.emplace_back(run_stream, std::cref(ocirt), std::cref(quick), stream_prefix, kContainers / kStreams, std::ref(findings));
        }
        for (auto& t : streams) t.join();
    }
    for (const auto& problem : findings.problems()) FAIL_CHECK("stream: " << problem);
    MESSAGE("streams:" << findings.tally());

    Bundle sleeper;  // the raced containers: running when the racers start
    sleeper.config["process"]["args"] = {"sleep", "100"};
    sleeper.config["process"]["terminal"] = false;
    sleeper.write();
    Findings races;
    TempDir io("ocirt-load-race-io");
    for (int round = 0; round < kRaceRounds; ++round) {
        std::string id = prefix + "race" + std::to_string(round);
        ids.push_back(id);
        Result created = run_to_files(ocirt, {"create", "--bundle", sleeper.path(), id}, io.path() + "/out", io.path() + "/err");
        REQUIRE_MESSAGE(created.exit_code == 0, created.err);
        REQUIRE(ocirt({"start", id}).exit_code == 0);
        std::vector<std::thread> racers;
        for (int r = 0; r < kRacers; ++r) racers.emplace_back(race, std::cref(ocirt), id, r, std::ref(races));
        for (auto& t : racers) t.join();
        // Every racer ran delete --force once, and each ran to a clean end: the container is gone.
        Result after = ocirt({"state", id});
        CHECK_MESSAGE(after.exit_code == 1, after.out);
        CHECK_MESSAGE(after.err.find("does not exist") != std::string::npos, after.err);
    }
    for (const auto& problem : races.problems()) FAIL_CHECK("race: " << problem);
    MESSAGE("races (" << kRaceRounds << " rounds × " << kRacers << " racers × 5 ops):" << races.tally());

    std::vector<std::string> left;
    eventually([&] {
        left.clear();
        for (const auto& id : ids)
            for (const auto& what : leftovers_of(id, ocirt.state_dir(id), {quick.path(), sleeper.path(), ocirt.state_dir(id)}))
                left.push_back(id + ": " + what);
        return left.empty();
    }, 3000);
    for (const auto& what : left) FAIL_CHECK("left behind: " << what);
    std::error_code ec;
    CHECK_MESSAGE(fs::is_empty(ocirt.root(), ec), "the state root still has entries");
}
