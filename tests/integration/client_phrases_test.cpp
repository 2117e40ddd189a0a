// The words clients look for in a runtime's error output (README "Behaviour chosen" has the table): each
// case drives ocirt into the situation, then checks the words on stderr and in the msg of the last error
// line of `--log F --log-format json` (where containerd's shim reads it), compared the way the client
// compares them, and that ocirt exits with exactly 1.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::test {
namespace {

// containerd's checkKillError and Init.delete compare "does not exist" and "container not running" as they
// are, "no such process" lower-cased; podman's getOCIRuntimeError regexes are case-insensitive ((?i)) and
// Docker's translateContainerdStartErr lower-cases.
enum class Compare { as_is, any_case };

std::string phrase_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool phrase_in(const std::string& text, const std::string& phrase, Compare how) {
    if (how == Compare::as_is) return text.find(phrase) != std::string::npos;
    return phrase_lower(text).find(phrase_lower(phrase)) != std::string::npos;
}

// The msg of the last "error" line, as containerd's getLastRuntimeError takes it; every line must decode.
std::string last_error_msg(const std::string& log_text) {
    std::string msg;
    std::istringstream lines(log_text);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        auto entry = nlohmann::json::parse(line);
        if (entry.at("level") == "error") msg = entry.at("msg").get<std::string>();
    }
    return msg;
}

struct Logged {
    Result result;
    std::string log_msg;
};

// `ocirt --log F --log-format json ARGS`, stdio in files (a create's init would hold pipes open).
Logged run_logged(const Ocirt& ocirt, const std::vector<std::string>& args) {
    TempDir files("ocirt-phrase");
    std::string log = files.path() + "/log.json";
    std::vector<std::string> all = {"--log", log, "--log-format", "json"};
    all.insert(all.end(), args.begin(), args.end());
    Logged logged{run_to_files(ocirt, all, files.path() + "/out", files.path() + "/err"), ""};
    logged.log_msg = last_error_msg(read_file(log));
    return logged;
}

void check_phrase(const Logged& r, const std::string& phrase, Compare how) {
    INFO("stderr: " << r.result.err);
    INFO("log msg: " << r.log_msg);
    INFO("phrase: " << phrase);
    CHECK(r.result.exit_code == 1);
    CHECK(phrase_in(r.result.err, phrase, how));
    CHECK(phrase_in(r.log_msg, phrase, how));
    // The same text on both, so a client that reads either one sees the same words.
    CHECK(r.result.err == r.log_msg + "\n");
}

std::string status_of_container(const Ocirt& ocirt, const std::string& id) {
    Result r = ocirt({"state", id});
    if (r.exit_code != 0) return "";
    return nlohmann::json::parse(r.out).value("status", "");
}

// prctl(2) PR_SET_CHILD_SUBREAPER for as long as it lives: an init orphaned by `run -d` becomes this
// process's child, as it becomes containerd's shim's, so the test can reap it.
struct Subreaper {
    Subreaper() { REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0); }
    ~Subreaper() { ::prctl(PR_SET_CHILD_SUBREAPER, 0); }
};

struct SleeperBundle : Bundle {
    SleeperBundle() { config["process"]["args"] = {"sleep", "1000"}; }
};

// The bundle's program is `args`; create must fail.
Logged create_with_program(const Ocirt& ocirt, Bundle& bundle, const std::vector<std::string>& args) {
    bundle.config["process"]["args"] = args;
    bundle.write();
    return run_logged(ocirt, {"create", "--bundle", bundle.path(), unique_id("phrase-create")});
}

}  // namespace

TEST_CASE("client phrases: every command on an unknown id says \"does not exist\" and \"no such container\"") {
    Ocirt ocirt;
    // containerd's shim: kill → "no such container" (errdefs.ErrNotFound), delete → already deleted;
    // podman: state; Docker's libcontainerd wrapError: "no such container" → NotFound.
    for (const auto& args : std::vector<std::vector<std::string>>{{"kill", "phrase-unknown", "15"},
                                                                  {"kill", "--all", "phrase-unknown", "9"},
                                                                  {"delete", "phrase-unknown"},
                                                                  {"state", "phrase-unknown"},
                                                                  {"start", "phrase-unknown"},
                                                                  {"exec", "phrase-unknown", "true"},
                                                                  {"pause", "phrase-unknown"},
                                                                  {"resume", "phrase-unknown"},
                                                                  {"ps", "phrase-unknown"}}) {
        Logged r = run_logged(ocirt, args);
        INFO("command: " << args.front());
        check_phrase(r, "does not exist", Compare::as_is);
        check_phrase(r, "no such container", Compare::as_is);
        CHECK(r.result.err.find("\"phrase-unknown\"") != std::string::npos);
    }
}

TEST_CASE("client phrases: delete --force of an unknown id exits 0 and prints nothing") {
    Ocirt ocirt;
    TempDir files("ocirt-phrase");
    std::string log = files.path() + "/log.json";
    Result r = ocirt({"--log", log, "--log-format", "json", "delete", "--force", "phrase-unknown"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "");
    CHECK(r.err == "");
    CHECK(last_error_msg(read_file(log)) == "");
}

TEST_CASE("client phrases: kill of a stopped container says \"container not running\"") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("true");
    RunningContainer container(ocirt, bundle, "phrase-stopped");
    REQUIRE(eventually([&] { return status_of_container(ocirt, container.id()) == "stopped"; }));
    // containerd's checkKillError: "container not running" → "process already finished" (ErrNotFound), which
    // the CRI plugin's StopContainer and StopPodSandbox take as done.
    // (kill --all is not refused: it signals what is left in the cgroup, see cgroups_commands_test.cpp.)
    for (const auto& args : std::vector<std::vector<std::string>>{{"kill", container.id(), "15"},
                                                                  {"kill", container.id(), "9"}}) {
        Logged r = run_logged(ocirt, args);
        check_phrase(r, "container not running", Compare::as_is);
        CHECK(r.result.err.find("\"" + container.id() + "\"") != std::string::npos);
    }
    // The other commands that need a live container use the same words.
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"exec", container.id(), "true"}, {"pause", container.id()}, {"events", "--stats", container.id()}})
        check_phrase(run_logged(ocirt, args), "container not running", Compare::as_is);
    // And delete still takes it.
    CHECK(ocirt({"delete", container.id()}).exit_code == 0);
}

TEST_CASE("client phrases: a kill that finds the init gone when it signals says \"no such process\"") {
    Ocirt ocirt;
    SleeperBundle bundle;
    std::optional<RunningContainer> container;
    {
        Subreaper subreaper;
        container.emplace(ocirt, bundle, "phrase-esrch");
    }
    REQUIRE(status_of_container(ocirt, container->id()) == "running");

    // The --log file is a full pipe, so ocirt's first log line blocks it. That line is kill's debug line,
    // written after kill has read the container's status (running) and before it signals: while ocirt waits
    // there, the init is killed and reaped, which is the race a client's kill can lose against an exiting
    // container. Draining the pipe lets the signal go out to a process that no longer exists.
    TempDir files("ocirt-esrch");
    std::string fifo = files.path() + "/log.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    UniqueFd pipe_end(::open(fifo.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));  // fifo(7): O_RDWR never blocks
    REQUIRE(pipe_end);
    int capacity = ::fcntl(pipe_end.get(), F_SETPIPE_SZ, 4096);
    REQUIRE(capacity > 0);
    std::string filler(static_cast<size_t>(capacity), 'x');
    REQUIRE(::write(pipe_end.get(), filler.data(), filler.size()) == capacity);

    pid_t kill_pid = spawn_to_files({ocirt_binary(), "--root", ocirt.root(), "--debug", "--log", fifo, "--log-format",
                                     "json", "kill", container->id(), "15"},
                                    files.path() + "/out", files.path() + "/err");
    // proc(5) /proc/PID/syscall: the number of the system call the process is blocked in; 1 is write(2).
    std::string syscall_file = "/proc/" + std::to_string(kill_pid) + "/syscall";
    bool blocked = eventually([&] {
        std::ifstream in(syscall_file);
        std::string number;
        in >> number;
        return number == "1";
    });
    if (!blocked) {
        ::kill(kill_pid, SIGKILL);
        wait_exit_code(kill_pid);
    }
    REQUIRE(blocked);

    REQUIRE(::kill(container->pid(), SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(container->pid(), &status, 0) == container->pid());

    std::string log_text;
    char buf[8192];
    while (log_text.size() < filler.size()) {
        pollfd readable{pipe_end.get(), POLLIN, 0};
        REQUIRE(::poll(&readable, 1, 5000) == 1);
        ssize_t n = ::read(pipe_end.get(), buf, sizeof buf);
        REQUIRE(n > 0);
        log_text.append(buf, static_cast<size_t>(n));
    }
    int exit_code = wait_exit_code(kill_pid);
    for (ssize_t n; (n = ::read(pipe_end.get(), buf, sizeof buf)) > 0;) log_text.append(buf, static_cast<size_t>(n));
    log_text.erase(0, filler.size());

    Logged r{{exit_code, read_file(files.path() + "/out"), read_file(files.path() + "/err")}, last_error_msg(log_text)};
    INFO("log: " << log_text);
    // containerd's checkKillError lower-cases before it looks for "no such process".
    check_phrase(r, "no such process", Compare::any_case);
    check_phrase(r, "container not running", Compare::as_is);
    CHECK(log_text.find("\"level\":\"debug\"") != std::string::npos);
}

TEST_CASE("client phrases: create of a program that is missing or cannot be run") {
    Ocirt ocirt;
    Bundle bundle;
    // podman (getOCIRuntimeError) turns the first two into exit code 127 and "permission denied" into 126;
    // Docker (translateContainerdStartErr) does the same from containerd's "OCI runtime create failed: MSG".
    SUBCASE("not on PATH") {
        check_phrase(create_with_program(ocirt, bundle, {"no-such-program"}), "executable file not found in $PATH", Compare::as_is);
    }
    SUBCASE("a path to nothing") {
        check_phrase(create_with_program(ocirt, bundle, {"/no/such/program"}), "no such file or directory", Compare::any_case);
    }
    SUBCASE("a file without execute permission") {
        check_phrase(create_with_program(ocirt, bundle, {"/etc/passwd"}), "permission denied", Compare::any_case);
    }
    CHECK(ocirt({"list", "-q"}).out == "");
}

TEST_CASE("client phrases: exec of a program that is missing or cannot be run") {
    Ocirt ocirt;
    SleeperBundle bundle;
    RunningContainer container(ocirt, bundle, "phrase-exec");
    // conmon's and containerd's shim's exec is `exec --detach`; podman maps the words to 127 and 126.
    for (bool detach : {true, false}) {
        INFO("detach: " << detach);
        std::vector<std::string> exec = {"exec"};
        if (detach) exec.push_back("-d");
        exec.push_back(container.id());
        auto with = [&](const std::string& program) {
            std::vector<std::string> args = exec;
            args.push_back(program);
            return run_logged(ocirt, args);
        };
        check_phrase(with("no-such-program"), "executable file not found in $PATH", Compare::as_is);
        check_phrase(with("/no/such/program"), "no such file or directory", Compare::any_case);
        check_phrase(with("/etc/passwd"), "permission denied", Compare::any_case);
    }
    CHECK(status_of_container(ocirt, container.id()) == "running");
}

}  // namespace ocirt::test
