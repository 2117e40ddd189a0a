#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "linux/child_process.hpp"
#include "sync/await_child.hpp"
#include "sync/channel.hpp"

using namespace ocirt;
using sync::Channel;
using sync::Message;
using sync::MsgType;

namespace {

// Forks a child that runs `body` with its end of the channel, then _exits with `code`.
template <class F>
linux_::ChildProcess fork_child(Channel& parent_end, Channel& child_end, F body, int code = 0) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        parent_end.close();
        body(child_end);
        ::_exit(code);
    }
    child_end.close();
    return linux_::ChildProcess(pid);
}

}  // namespace

TEST_CASE("sync: every plain message type survives a round trip") {
    auto [a, b] = Channel::pair();
    for (MsgType type : {MsgType::UsernsReady, MsgType::MapsWritten, MsgType::CgroupReady, MsgType::HooksPlease,
                         MsgType::HooksDone, MsgType::Ready}) {
        a.send(Message::plain(type));
        auto m = b.receive();
        REQUIRE(m);
        CHECK(m->type == type);
        CHECK(m->fds.empty());
    }
}

TEST_CASE("sync: InitPid carries the pid and Log its level and text") {
    auto [a, b] = Channel::pair();
    a.send(Message::init_pid(4242));
    a.send(Message::log(log::Level::warning, "mount \"proc\" took long"));
    auto pid = b.expect(MsgType::InitPid);
    CHECK(pid.pid() == 4242);
    auto line = b.expect(MsgType::Log);
    CHECK(line.log_level() == log::Level::warning);
    CHECK(line.log_text() == "mount \"proc\" took long");
}

TEST_CASE("sync: a Fail message carries the whole Error chain, errno and pointer") {
    auto [a, b] = Channel::pair();
    Error original("mount \"proc\" on \"/proc\"", EPERM, "/mounts/0");
    original.context("init");
    a.send(Message::fail(original));
    auto m = b.expect(MsgType::Fail);
    Error copy = m.error();
    CHECK(copy.full() == "init: /mounts/0: mount \"proc\" on \"/proc\": Operation not permitted");
    CHECK(copy.full() == original.full());
    CHECK(copy.frames() == std::vector<std::string>{"init"});
    CHECK(copy.errno_value() == EPERM);
    CHECK(copy.json_pointer() == "/mounts/0");
    copy.context("create");
    CHECK(copy.full() == "create: init: /mounts/0: mount \"proc\" on \"/proc\": Operation not permitted");
}

TEST_CASE("sync: an fd crosses by SCM_RIGHTS and arrives close-on-exec") {
    auto [a, b] = Channel::pair();
    int p[2];
    REQUIRE(::pipe2(p, O_CLOEXEC) == 0);
    UniqueFd read_end(p[0]), write_end(p[1]);
    a.send(Message::with_fd(MsgType::SeccompFd, std::move(read_end)));
    auto m = b.expect(MsgType::SeccompFd);
    REQUIRE(m.fds.size() == 1);
    CHECK((::fcntl(m.fds[0].get(), F_GETFD) & FD_CLOEXEC) != 0);
    REQUIRE(::write(write_end.get(), "x", 1) == 1);
    char c = 0;
    CHECK(::read(m.fds[0].get(), &c, 1) == 1);
    CHECK(c == 'x');
}

TEST_CASE("sync: waiting for one message and getting another names both") {
    auto [a, b] = Channel::pair();
    a.send(Message::plain(MsgType::CgroupReady));
    CHECK_THROWS_WITH(b.expect(MsgType::Ready), "expected Ready, got CgroupReady");
    a.close();
    CHECK_THROWS_WITH(b.expect(MsgType::Ready), "expected Ready, got the end of the stream");
}

TEST_CASE("sync: the parent gets a forked child's message after its Log lines") {
    auto [parent_end, child_end] = Channel::pair();
    auto child = fork_child(parent_end, child_end, [](Channel& c) {
        c.send(Message::log(log::Level::debug, "hidden unless --debug"));
        c.send(Message::init_pid(77));
    });
    auto m = sync::await_from_child(parent_end, child, MsgType::InitPid, "init", 5000);
    CHECK(m.pid() == 77);
    CHECK(child.wait().value == 0);
}

TEST_CASE("sync: a forked child's Fail reaches the parent as the same Error") {
    auto [parent_end, child_end] = Channel::pair();
    auto child = fork_child(
        parent_end, child_end,
        [](Channel& c) { c.send(Message::fail(Error("set hostname \"x\"", EPERM).context("init"))); }, 1);
    CHECK_THROWS_WITH(sync::await_from_child(parent_end, child, MsgType::Ready, "init", 5000),
                      "init: set hostname \"x\": Operation not permitted");
}

TEST_CASE("sync: a child that exits without a word is reported by its exit status") {
    auto [parent_end, child_end] = Channel::pair();
    auto child = fork_child(parent_end, child_end, [](Channel&) {}, 3);
    CHECK_THROWS_WITH(sync::await_from_child(parent_end, child, MsgType::Ready, "init", 5000),
                      "init exited before sending Ready: exit status 3");
}

TEST_CASE("sync: a child killed by a signal is reported by the signal, even with its end still open elsewhere") {
    auto [parent_end, child_end] = Channel::pair();
    int keep = ::dup(child_end.fd());  // the parent holds a copy: no EOF, only the pidfd tells
    auto child = fork_child(parent_end, child_end, [](Channel&) { ::raise(SIGKILL); });
    CHECK_THROWS_WITH(sync::await_from_child(parent_end, child, MsgType::Ready, "init", 5000),
                      "init exited before sending Ready: killed by signal 9 (Killed)");
    ::close(keep);
}
