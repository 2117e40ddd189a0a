#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "container_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

extern char** environ;

TEST_CASE("run: the container's process is PID 1 and its output comes back") {
    Ocirt ocirt;
    Bundle bundle;
    auto r = run_script(ocirt, bundle, "echo pid=$$; echo hello from inside");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "pid=1\nhello from inside\n");
    CHECK(r.err == "");
}

TEST_CASE("run: exit codes 0, 3 and 137 (SIGKILL inside) come back as run's own") {
    Ocirt ocirt;
    Bundle bundle;
    CHECK(run_script(ocirt, bundle, "exit 0").exit_code == 0);
    CHECK(run_script(ocirt, bundle, "exit 3").exit_code == 3);
    // pid_namespaces(7): the namespace's init cannot be SIGKILLed from inside, so no PID namespace here.
    drop_namespace(bundle, "pid");
    CHECK(run_script(ocirt, bundle, "kill -9 $$").exit_code == 137);
}

TEST_CASE("run: the container is deleted after it exits, kept with --keep") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("true");
    bundle.write();
    std::string id = unique_id("gone");
    CHECK(ocirt({"run", "--bundle", bundle.path(), id}).exit_code == 0);
    CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
    CHECK(cgroups_named(id).empty());

    std::string kept = unique_id("kept");
    CHECK(ocirt({"run", "--keep", "--bundle", bundle.path(), kept}).exit_code == 0);
    CHECK(fs::exists(ocirt.state_dir(kept) + "/state.json"));
}

TEST_CASE("run: SIGTERM sent to `ocirt run` reaches the container's init") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-run-signal");
    std::string out = files.path() + "/out";
    bundle.shell("trap 'echo got TERM; exit 42' TERM; echo ready; while :; do sleep 0.05; done");
    bundle.write();
    std::string id = unique_id("sig");
    std::vector<std::string> argv = {ocirt_binary(), "--root", ocirt.root(), "run", "--bundle", bundle.path(), id};
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    REQUIRE(posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    CHECK(eventually([&] { return read_file(out).find("ready") != std::string::npos; }));
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 42);
    CHECK(read_file(out) == "ready\ngot TERM\n");
}

TEST_CASE("run: --detach returns at once and leaves the container running") {
    Ocirt ocirt;
    Bundle bundle;
    TempDir files("ocirt-run-detach");
    bundle.shell("sleep 30");
    bundle.write();
    std::string id = unique_id("detached");
    std::string pid_file = files.path() + "/pid";
    auto r = run_to_files(ocirt, {"run", "-d", "--pid-file", pid_file, "--bundle", bundle.path(), id},
                          files.path() + "/out", files.path() + "/err");
    CHECK(r.exit_code == 0);
    std::string pid_text = read_file(pid_file);
    REQUIRE(!pid_text.empty());
    pid_t pid = std::stoi(pid_text);
    CHECK(process_exists(pid));
    CHECK_FALSE(fs::exists(ocirt.state_dir(id) + "/exec.fifo"));
    ::kill(pid, SIGKILL);
}
