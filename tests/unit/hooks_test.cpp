// src/hooks, src/state/saved_hooks, src/plan/hook_plan and src/sync/exec_fifo: one hook run for real on the
// host (/bin/sh, /usr/bin/env), the hooks of one point, the hooks kept in state.json, the init's hook plan,
// and what the init tells `start` through exec.fifo (a pipe stands in for the fifo: "emulated").
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/rules.hpp"
#include "hooks/run_hook.hpp"
#include "hooks/run_hooks.hpp"
#include "state/saved_hooks.hpp"
#include "plan/hook_plan.hpp"
#include "state/record.hpp"
#include "sync/exec_fifo.hpp"
#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace fs = std::filesystem;
using ocirt::Error;
using ocirt::UniqueFd;
using ocirt::config::Hook;
using namespace ocirt::hooks;

namespace {

Hook shell(const std::string& script, std::vector<std::string> extra = {}) {
    Hook hook{"/bin/sh", {"sh", "-c", script}, {}, {}};
    hook.args.insert(hook.args.end(), extra.begin(), extra.end());
    return hook;
}

std::string hook_error(const Hook& hook, const std::string& state = "{}", const std::string& cwd = "") {
    try {
        run_hook(hook, state, cwd);
    } catch (const Error& e) {
        return e.full();
    }
    return "";
}

bool process_mentioning(const std::string& needle) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == ::getpid()) continue;
        std::string cmdline;
        if (FILE* f = std::fopen((entry.path() / "cmdline").c_str(), "re")) {
            char buffer[4096];
            size_t n = std::fread(buffer, 1, sizeof buffer, f);
            cmdline.assign(buffer, n);
            std::fclose(f);
        }
        if (cmdline.find(needle) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("hooks: run_hook gives the state on stdin and captures stdout") {
    std::string state = R"({"ociVersion":"1.2.0","id":"c1","status":"created","pid":42,"bundle":"/b"})";
    CHECK(run_hook(shell("cat"), state, "").out == state);
}

TEST_CASE("hooks: run_hook delivers a state larger than a pipe's default capacity") {
    std::string state(300 * 1024, 'x');
    CHECK(run_hook(shell("wc -c"), state, "").out == std::to_string(state.size()) + "\n");
}

TEST_CASE("hooks: run_hook passes args as argv and env as the whole environment") {
    Hook hook{"/usr/bin/env", {"env"}, {"FIRST=1", "SECOND=two words"}, {}};
    CHECK(run_hook(hook, "{}", "").out == "FIRST=1\nSECOND=two words\n");
    CHECK(run_hook(shell("echo \"$0|$1\"", {"zero", "one"}), "{}", "").out == "zero|one\n");
}

TEST_CASE("hooks: run_hook without env inherits the runtime's environment") {
    REQUIRE(::setenv("OCIRT_HOOK_UNIT", "inherited", 1) == 0);
    std::string out = run_hook(Hook{"/usr/bin/env", {"env"}, {}, {}}, "{}", "").out;
    ::unsetenv("OCIRT_HOOK_UNIT");
    CHECK(out.find("OCIRT_HOOK_UNIT=inherited\n") != std::string::npos);
}

TEST_CASE("hooks: run_hook without args runs the path as argv[0]") {
    CHECK(run_hook(Hook{"/bin/echo", {}, {}, {}}, "{}", "").out == "\n");
}

TEST_CASE("hooks: run_hook starts the hook in the given directory") {
    std::string dir = fs::canonical(fs::temp_directory_path()).string();
    CHECK(run_hook(shell("pwd"), "{}", dir).out == dir + "\n");
}

TEST_CASE("hooks: a hook that fails is an error with its exit status, stderr and stdout") {
    std::string error = hook_error(shell("echo partial; echo 'went wrong' >&2; exit 3"));
    CHECK(error.find("exit status 3") != std::string::npos);
    CHECK(error.find("stderr: \"went wrong\"") != std::string::npos);
    CHECK(error.find("stdout: \"partial\"") != std::string::npos);
}

TEST_CASE("hooks: a hook killed by a signal is an error naming the signal") {
    std::string error = hook_error(shell("kill -TERM $$"));
    CHECK(error.find("signal") != std::string::npos);
}

TEST_CASE("hooks: a hook that cannot be executed is an error") {
    CHECK(hook_error(Hook{"/nonexistent/ocirt-hook", {}, {}, {}}).find("No such file or directory") != std::string::npos);
}

TEST_CASE("hooks: a hook over its timeout is killed with the processes it started") {
    std::string marker = "ocirt-hook-unit-" + std::to_string(::getpid());
    Hook hook = shell("sh -c 'sleep 30; true' " + marker + " & echo started; wait");
    hook.timeout = 1;
    std::string error = hook_error(hook);
    CHECK(error.find("timed out after 1s and was killed") != std::string::npos);
    CHECK(error.find("stdout: \"started\"") != std::string::npos);
    // kill(2) returns before the killed processes are gone: they are looked for until they are.
    bool gone = false;
    for (int tries = 0; tries < 500 && !gone; ++tries) {
        gone = !process_mentioning(marker);
        if (!gone) ::usleep(10 * 1000);
    }
    CHECK(gone);
}

TEST_CASE("hooks: a hook that leaves a background process holding its stdout still ends at its exit") {
    Hook hook = shell("sleep 30 & echo $!");
    hook.timeout = 20;
    std::string out = run_hook(hook, "{}", "").out;
    REQUIRE(out.size() > 1);
    pid_t background = std::stoi(out);
    CHECK(background > 0);
    if (background > 0) ::kill(background, SIGKILL);
}

TEST_CASE("hooks: run_hooks runs a point's hooks in order, fails at the first failure, names it") {
    std::string dir = (fs::temp_directory_path() / ("ocirt-hooks-unit-" + std::to_string(::getpid()))).string();
    fs::create_directories(dir);
    auto appending = [&](const std::string& word, int status) {
        return shell("echo " + word + " >> " + dir + "/order; exit " + std::to_string(status));
    };
    std::vector<Hook> hooks = {appending("one", 0), appending("two", 1), appending("three", 0)};
    SUBCASE("fail") {
        try {
            run_hooks("prestart", hooks, "{}", OnFailure::fail, "");
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.full().starts_with("prestart hook #1 (\"/bin/sh\"): exit status 1"));
        }
        std::ifstream in(dir + "/order");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text == "one\ntwo\n");
    }
    SUBCASE("warn") {
        run_hooks("poststop", hooks, "{}", OnFailure::warn, "");
        std::ifstream in(dir + "/order");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        CHECK(text == "one\ntwo\nthree\n");
    }
    fs::remove_all(dir);
}

TEST_CASE("hooks: state.json keeps poststart and poststop as they were, and only those") {
    ocirt::state::Record record;
    record.id = "c1";
    record.hooks.prestart = {Hook{"/bin/true", {}, {}, {}}};
    record.hooks.poststart = {Hook{"/bin/a", {"a", "1"}, {"X=1"}, 5}, Hook{"/bin/b", {}, {}, {}}};
    record.hooks.poststop = {Hook{"/bin/c", {"c"}, {}, {}}};
    auto back = ocirt::state::Record::from_json(nlohmann::json::parse(record.to_json().dump()));
    REQUIRE(back.hooks.poststart.size() == 2);
    CHECK(back.hooks.poststart[0].path == "/bin/a");
    CHECK(back.hooks.poststart[0].args == std::vector<std::string>{"a", "1"});
    CHECK(back.hooks.poststart[0].env == std::vector<std::string>{"X=1"});
    CHECK(back.hooks.poststart[0].timeout == 5);
    CHECK(back.hooks.poststart[1].path == "/bin/b");
    CHECK_FALSE(back.hooks.poststart[1].timeout);
    REQUIRE(back.hooks.poststop.size() == 1);
    CHECK(back.hooks.poststop[0].args == std::vector<std::string>{"c"});
    CHECK(back.hooks.prestart.empty());
    CHECK_FALSE(ocirt::state::Record{}.to_json().contains("hooks"));
    CHECK(ocirt::state::saved_hooks_from_json(nlohmann::json::parse("null")).poststart.empty());
}

TEST_CASE("hooks: the init asks the parent for HooksDone when any create-time or start hook is configured") {
    ocirt::config::Hooks none;
    none.poststart = {Hook{"/bin/true", {}, {}, {}}};
    none.poststop = {Hook{"/bin/true", {}, {}, {}}};
    CHECK_FALSE(ocirt::plan::plan_hooks(none, "/b").ask_parent);
    for (auto member : {&ocirt::config::Hooks::prestart, &ocirt::config::Hooks::createRuntime,
                        &ocirt::config::Hooks::createContainer, &ocirt::config::Hooks::startContainer}) {
        ocirt::config::Hooks hooks;
        (hooks.*member).push_back(Hook{"/bin/true", {}, {}, {}});
        CHECK(ocirt::plan::plan_hooks(hooks, "/b").ask_parent);
    }
    ocirt::config::Hooks hooks;
    hooks.createContainer = {Hook{"/bin/cc", {}, {}, {}}};
    hooks.startContainer = {Hook{"/bin/sc", {}, {}, {}}};
    auto plan = ocirt::plan::plan_hooks(hooks, "/the/bundle");
    CHECK(plan.cwd == "/the/bundle");
    REQUIRE(plan.create_container.size() == 1);
    CHECK(plan.create_container[0].path == "/bin/cc");
    REQUIRE(plan.start_container.size() == 1);
    CHECK(plan.start_container[0].path == "/bin/sc");
}

TEST_CASE("hooks: a failed startContainer hook's text reaches start through the fifo (emulated with a pipe)") {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    ocirt::sync::write_start_failure(write_end.get(), "startContainer hook #0 (\"/bin/sh\"): exit status 1");
    write_end.reset();
    char first = 0;
    REQUIRE(::read(read_end.get(), &first, 1) == 1);
    CHECK(first == ocirt::sync::kStartFailed);
    CHECK(ocirt::sync::read_start_failure(read_end.get()) == "startContainer hook #0 (\"/bin/sh\"): exit status 1");
}

TEST_CASE("hooks: a failing poststart hook is an error from ociVersion 1.3.0 on, a warning before") {
    for (const char* error : {"1.3.0", "1.3.0-rc.1", "1.3.1", "1.4.0", "1.10.0+build"}) {
        CAPTURE(error);
        CHECK(ocirt::config::poststart_failure_is_error(error));
    }
    for (const char* warning : {"1.0.0", "1.0.2-dev", "1.1.0", "1.2.0", "1.2.1", "2.0.0", "not a version"}) {
        CAPTURE(warning);
        CHECK_FALSE(ocirt::config::poststart_failure_is_error(warning));
    }
}
