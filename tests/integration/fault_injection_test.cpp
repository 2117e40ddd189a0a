// Fault injection: create fails at each of its named steps in turn (build/ocirt_fault_injection with
// OCIRT_FAULT_AT_STEP=parent:N, then init:N; the two run side by side, so each counts its own steps), and
// after each failure the exit code is 1,
// the error names the step, and nothing is left: no state dir, no cgroup in any hierarchy, no process, no
// mount of the bundle's, no fd of this test's.
#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "container_helpers.hpp"
#include "harness.hpp"
#include "leftovers.hpp"

namespace fs = std::filesystem;
using namespace ocirt::test;

namespace {

std::size_t open_fds() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++n;
    return n;
}

// Sets an environment variable for the programs this test starts, and unsets it when it goes.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
};

}  // namespace

TEST_CASE("fault injection: create fails cleanly at every one of its steps") {
    Bundle bundle;
    write_sleeping_bundle(bundle);
    Ocirt ocirt;
    TempDir io("ocirt-fault-injection-io");
    const std::string prefix = "fault" + std::to_string(::getpid()) + "-";
    const std::size_t fds_before = open_fds();

    int injected = 0;
    for (std::string who : {"parent", "init"}) {
        bool finished = false;
        for (int step = 1; step <= 200 && !finished; ++step) {
            std::string id = prefix + who + "-" + std::to_string(step);
            CAPTURE(who);
            CAPTURE(step);
            Result r;
            {
                ScopedEnv fault("OCIRT_FAULT_AT_STEP", who + ":" + std::to_string(step));
                r = run_program_to_files({OCIRT_FAULT_INJECTION, "--root", ocirt.root(), "create", "--bundle",
                                          bundle.path(), id},
                                         io.path() + "/out-" + id, io.path() + "/err-" + id);
            }
            if (r.exit_code == 0) {  // past the last step: create went through
                finished = true;
                CHECK(ocirt({"delete", "--force", id}).exit_code == 0);
                break;
            }
            ++injected;
            CHECK_MESSAGE(r.exit_code == 1, r.err);
            std::string named = "fault injected at " + who + " step " + std::to_string(step) + " (" + who + ": ";
            CHECK_MESSAGE(r.err.find(named) != std::string::npos, r.err);
            MESSAGE(r.err);
            std::vector<std::string> left;
            eventually([&] { return (left = leftovers_of(id, ocirt.state_dir(id), {bundle.path()})).empty(); }, 2000);
            for (const auto& what : left) FAIL_CHECK("left behind by a create failing at step " << step << ": " << what);
            if (!left.empty()) ocirt({"delete", "--force", id});
        }
        CHECK(finished);
    }
    CHECK(injected >= 10);
    CHECK(open_fds() == fds_before);
    MESSAGE("create failed at each of its " << injected << " steps (parent's and init's) and left nothing behind");
}
