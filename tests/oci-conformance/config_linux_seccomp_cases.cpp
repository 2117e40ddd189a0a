// config-linux.md "Seccomp": defaultAction and defaultErrnoRet, errnoRet, argument operators, the actions,
// and the container process state sent to listenerPath, seen through `/probe errno CALL` (the errno each
// call gets) and the process's exit.
// Skipped (not observable from outside on this host): architectures (no foreign-architecture binary to run),
// flags (TSYNC, LOG, SPEC_ALLOW and WAIT_KILLABLE_RECV change nothing a single-threaded probe sees).
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "conformance.hpp"

using namespace ocirt::conformance;
namespace fs = std::filesystem;

namespace {

constexpr int kEdom = 33;  // errno(3): an errno no call here fails with by itself
constexpr int kEperm = 1;
constexpr int kEnosys = 38;
constexpr int kSigsysExit = 128 + 31;

// `/probe errno CALL...` in a container with this seccomp object; the run's result.
ocirt::test::Result probe_errno(const nlohmann::json& seccomp, const std::vector<std::string>& calls) {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["seccomp"] = seccomp;
    nlohmann::json args = {"/probe", "errno"};
    for (const auto& call : calls) args.push_back(call);
    bundle.config["process"]["args"] = args;
    bundle.write();
    return runtime.to_files({"run", "--bundle", bundle.path(), ocirt::test::unique_id("conf")});
}

nlohmann::json deny(const std::string& call, const std::string& action) {
    return {{"names", {call}}, {"action", action}};
}

// Every x86_64 syscall name the kernel headers know, but `except`.
std::vector<std::string> all_syscalls_but(const std::string& except) {
    std::vector<std::string> names;
    std::ifstream header("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
    std::regex define(R"(#define __NR_(\w+) \d+)");
    for (std::string line; std::getline(header, line);) {
        std::smatch m;
        if (std::regex_match(line, m, define) && m[1] != except) names.push_back(m[1]);
    }
    return names;
}

}  // namespace

TEST_CASE("config-linux.md#seccomp: errnoRet is the errno SCMP_ACT_ERRNO returns [MUST]") {
    auto rule = deny("getcwd", "SCMP_ACT_ERRNO");
    rule["errnoRet"] = kEdom;
    auto r = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule}}}, {"getcwd", "uname"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(probe_report(r.out) == nlohmann::json{{"getcwd", kEdom}, {"uname", 0}});
}

TEST_CASE("config-linux.md#seccomp: without errnoRet SCMP_ACT_ERRNO returns EPERM [MUST]") {
    auto r = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {deny("getcwd", "SCMP_ACT_ERRNO")}}},
                         {"getcwd", "uname"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(probe_report(r.out) == nlohmann::json{{"getcwd", kEperm}, {"uname", 0}});
}

TEST_CASE("config-linux.md#seccomp: defaultAction applies to the syscalls no rule names [MUST]") {
    nlohmann::json allowed = {{"names", all_syscalls_but("getcwd")}, {"action", "SCMP_ACT_ALLOW"}};
    REQUIRE(allowed["names"].size() > 300);
    auto r = probe_errno({{"defaultAction", "SCMP_ACT_ERRNO"}, {"syscalls", {allowed}}}, {"getcwd", "uname"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(probe_report(r.out) == nlohmann::json{{"getcwd", kEperm}, {"uname", 0}});
}

TEST_CASE("config-linux.md#seccomp: defaultErrnoRet is the errno of the default SCMP_ACT_ERRNO [MUST]") {
    nlohmann::json allowed = {{"names", all_syscalls_but("getcwd")}, {"action", "SCMP_ACT_ALLOW"}};
    auto r = probe_errno({{"defaultAction", "SCMP_ACT_ERRNO"}, {"defaultErrnoRet", kEdom}, {"syscalls", {allowed}}},
                         {"getcwd", "uname"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(probe_report(r.out) == nlohmann::json{{"getcwd", kEdom}, {"uname", 0}});
}

TEST_CASE("config-linux.md#seccomp: an errno for an action that takes none is an error [MUST]") {
    auto rule = deny("getcwd", "SCMP_ACT_KILL");
    rule["errnoRet"] = kEdom;
    auto r = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule}}}, {"uname"});
    CHECK_REFUSED(r);
    CHECK(r.out.find("uname") == std::string::npos);
    auto d = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"}, {"defaultErrnoRet", kEdom},
                          {"syscalls", {deny("getcwd", "SCMP_ACT_ERRNO")}}},
                         {"uname"});
    CHECK_REFUSED(d);
    CHECK(d.out.find("uname") == std::string::npos);
}

TEST_CASE("config-linux.md#seccomp: args match with each operator [MUST]") {
    // `/probe errno personality` calls personality(0xffffffff): its argument 0 is 0xffffffff.
    const unsigned long long arg = 0xffffffffULL;
    struct Case {
        const char* op;
        unsigned long long value, value_two;
        int expected;
    };
    // Each operator once, matching (EPERM) or not (0), so that an operator read as another shows.
    const Case cases[] = {
        {"SCMP_CMP_EQ", arg, 0, kEperm},     {"SCMP_CMP_NE", arg, 0, 0},       {"SCMP_CMP_GT", arg - 1, 0, kEperm},
        {"SCMP_CMP_GE", arg + 1, 0, 0},      {"SCMP_CMP_LT", arg, 0, 0},       {"SCMP_CMP_LE", arg, 0, kEperm},
        {"SCMP_CMP_MASKED_EQ", 0xff00, 0xff00, kEperm},
    };
    for (const auto& c : cases) {
        CAPTURE(c.op);
        CAPTURE(c.value);
        auto rule = deny("personality", "SCMP_ACT_ERRNO");
        nlohmann::json condition = {{"index", 0}, {"value", c.value}, {"op", c.op}};
        if (std::string(c.op) == "SCMP_CMP_MASKED_EQ") condition["valueTwo"] = c.value_two;
        rule["args"] = {condition};
        auto r = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {rule}}}, {"personality"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(probe_report(r.out)["personality"] == c.expected);
    }
}

TEST_CASE("config-linux.md#seccomp: each action has its effect on the named syscall [MUST]") {
    // seccomp(2): KILL_* and TRAP end the process by SIGSYS; TRACE with no tracer fails with ENOSYS;
    // LOG allows the call.
    for (const char* killing : {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"}) {
        CAPTURE(killing);
        auto r = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"}, {"syscalls", {deny("getcwd", killing)}}}, {"getcwd"});
        INFO(r.err);
        CHECK(r.exit_code == kSigsysExit);
        CHECK(r.out.empty());
    }
    auto r = probe_errno({{"defaultAction", "SCMP_ACT_ALLOW"},
                          {"syscalls", {deny("getcwd", "SCMP_ACT_TRACE"), deny("uname", "SCMP_ACT_LOG")}}},
                         {"getcwd", "uname"});
    CHECK(probe_report(r.out) == nlohmann::json{{"getcwd", kEnosys}, {"uname", 0}});
}

namespace {

// A seccomp agent's socket at listenerPath: accepts one connection and takes the state and its fds.
class SeccompAgent {
public:
    explicit SeccompAgent(const std::string& path) : path_(path) {
        listener_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
        REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(listener_, 4) == 0);
    }
    ~SeccompAgent() {
        for (int fd : fds) ::close(fd);
        ::close(listener_);
    }
    // Reads the first connection until the runtime closes it (or sends nothing for 5 s); false if no
    // connection came within 5 s.
    bool receive() {
        pollfd ready{listener_, POLLIN, 0};
        if (::poll(&ready, 1, 5000) != 1) return false;
        int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (connection < 0) return false;
        for (;;) {
            pollfd readable{connection, POLLIN, 0};
            if (::poll(&readable, 1, 5000) != 1) break;  // never closed: `closed` stays false
            char buffer[4096];
            iovec io{buffer, sizeof buffer};
            alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
            msghdr message{};
            message.msg_iov = &io;
            message.msg_iovlen = 1;
            message.msg_control = control;
            message.msg_controllen = sizeof control;
            ssize_t n = ::recvmsg(connection, &message, MSG_CMSG_CLOEXEC);
            if (n <= 0) {
                closed = n == 0;
                break;
            }
            payload.append(buffer, static_cast<size_t>(n));
            for (cmsghdr* h = CMSG_FIRSTHDR(&message); h; h = CMSG_NXTHDR(&message, h)) {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
                size_t count = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < count; ++i) {
                    int fd;
                    std::memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof fd);
                    fds.push_back(fd);
                }
            }
        }
        ::close(connection);
        return true;
    }
    // Closing the notify fd makes the waiting and later notified syscalls fail with ENOSYS (seccomp_unotify(2)).
    void close_fds() {
        for (int fd : fds) ::close(fd);
        fds.clear();
    }
    std::string payload;
    std::vector<int> fds;
    bool closed = false;  // the runtime closed the connection after sending

private:
    std::string path_;
    int listener_ = -1;
};

}  // namespace

TEST_CASE("config-linux.md#seccomp: SCMP_ACT_NOTIFY sends the container process state and the seccomp fd to listenerPath [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    std::string out_dir = bundle.path() + "/out";
    fs::create_directory(out_dir);
    SeccompAgent agent(bundle.path() + "/agent.sock");
    bundle.config["mounts"].push_back({{"destination", "/out"}, {"type", "bind"}, {"source", out_dir}, {"options", {"rbind", "rw"}}});
    bundle.config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                         {"listenerPath", bundle.path() + "/agent.sock"},
                                         {"listenerMetadata", "conformance-metadata"},
                                         {"syscalls", {deny("getcwd", "SCMP_ACT_NOTIFY")}}};
    bundle.shell("/probe errno getcwd uname > /out/report");
    bundle.write();
    std::string id = ocirt::test::unique_id("conf");
    // crun waits for the agent to take the state before create returns: create runs beside the agent.
    ocirt::test::Result created;
    std::thread creator([&] { created = runtime.to_files({"create", "--bundle", bundle.path(), id}); });
    bool received = agent.receive();
    creator.join();
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    REQUIRE(received);
    auto state = nlohmann::json::parse(agent.payload, nullptr, false);
    INFO(agent.payload);
    CHECK(state.value("ociVersion", "") != "");
    CHECK(state["fds"] == nlohmann::json{"seccompFd"});
    CHECK(agent.fds.size() == 1);
    CHECK(state.value("pid", 0) > 0);
    CHECK(state["metadata"] == "conformance-metadata");
    CHECK(state["state"]["id"] == id);
    CHECK(agent.closed);
    agent.close_fds();
    REQUIRE(runtime({"start", id}).exit_code == 0);
    REQUIRE(reaches_status(runtime, id, "stopped"));
    CHECK(probe_report(ocirt::test::read_file(out_dir + "/report")) == nlohmann::json{{"getcwd", kEnosys}, {"uname", 0}});
}

TEST_CASE("config-linux.md#seccomp: a listenerPath the state cannot be sent to is an error [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                                         {"listenerPath", bundle.path() + "/nobody-listens.sock"},
                                         {"syscalls", {deny("getcwd", "SCMP_ACT_NOTIFY")}}};
    auto r = run_container(runtime, bundle, "echo ran");
    CHECK_REFUSED(r);
    CHECK(r.out.find("ran") == std::string::npos);
}
