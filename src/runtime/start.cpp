#include "runtime/start.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "hooks/lifecycle_hooks.hpp"
#include "linux/child_process.hpp"
#include "runtime/delete.hpp"
#include "runtime/first_run.hpp"
#include "state/store.hpp"
#include "sync/exec_fifo.hpp"
#include "sync/step_log.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace ocirt::runtime {
namespace {

// The init reported that a startContainer hook failed (it wrote kStartFailed instead of exec'ing).
struct StartHooksFailed : Error {
    using Error::Error;
};

// fifo(7): the init's write end is O_CLOEXEC, so end-of-file means execve(2) replaced the init (or it
// died): poststart hooks then run after the user's program started, as runtime.md "Lifecycle" step 9 asks.
void wait_for_exec(int fifo) {
    for (;;) {
        pollfd p{fifo, POLLIN, 0};
        if (::poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            throw SysError("poll exec fifo");
        }
        char byte;
        ssize_t n = ::read(fifo, &byte, 1);
        if (n == 0) return;
        if (n < 0 && errno != EAGAIN && errno != EINTR) throw SysError("read exec fifo");
    }
}

// How long the init may take to answer before start asks whether it is frozen (a start normally takes
// well under a millisecond, so it never pays for the question).
constexpr int kFrozenCheckMs = 50;

// fifo(7): a non-blocking reader opens at once and lets the init's blocking open for writing
// complete; the init's pidfd is polled alongside, so an init that died cannot hang `start`. The pidfd is
// opened first: once the fifo is open the user's program runs, and a short one can exit and be reaped by
// the caller (the shim is a subreaper) before a later pidfd_open would find it. An init that `pause` froze
// before start took the lock never answers, and `resume` waits for that lock: refused, as runc refuses
// to start a paused container.
void release_init(const state::OpenedContainer& c) {
    UniqueFd pidfd = linux_::open_pidfd(c.record.pid);
    std::string fifo_path = c.container.exec_fifo_path();
    int raw = ::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (raw < 0) throw SysError("open exec fifo " + ocirt::quoted(fifo_path));
    UniqueFd fifo(raw);
    for (;;) {
        pollfd fds[2] = {{fifo.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
        int rc = ::poll(fds, 2, kFrozenCheckMs);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) throw SysError("poll exec fifo");
        if (rc == 0 && c.frozen()) throw Error("cannot start a container that is paused");
        if (fds[0].revents & POLLIN) {
            char byte;
            ssize_t n = ::read(fifo.get(), &byte, 1);
            if (n == 1 && byte == sync::kStartFailed) throw StartHooksFailed(sync::read_start_failure(fifo.get()));
            if (n == 1) return wait_for_exec(fifo.get());
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
            if (n < 0) throw SysError("read exec fifo");
        }
        if (fds[1].revents & POLLIN) throw Error("the container's init exited before it could be started");
        if (fds[0].revents & (POLLHUP | POLLERR)) throw Error("the container's init closed exec fifo without a byte");
    }
}

// Under the lock, up to the user program's execve(2) and the exec fifo's removal that makes it "running".
state::Record start_created(const std::string& root, const std::string& id) {
    state::OpenedContainer c = state::Store(root).open_for_change(id);
    if (c.status != state::Status::created)
        throw Error("cannot start a container that is " + std::string(state::to_string(c.status)));
    release_init(c);
    std::string fifo = c.container.exec_fifo_path();
    if (::unlink(fifo.c_str()) < 0) throw SysError("remove " + ocirt::quoted(fifo));
    sync::log_step("parent", "started");
    return std::move(c.record);
}

// runtime.md "Lifecycle" steps 7 and 9 (1.3): a failing startContainer or poststart hook is an error, the
// container is stopped and the lifecycle goes on at step 12 (destroy) and 13 (poststop hooks), as a forced
// delete does; the hook's error is what start reports.
void stop_and_destroy(const std::string& root, const std::string& id, std::string_view point) {
    try {
        delete_container({root, id, /*force=*/true});
    } catch (const Error& e) {
        log::warn("remove container " + ocirt::quoted(id) + " after its " + std::string(point) + " hook failed: " + e.full());
    }
}

}  // namespace

void start_container(const std::string& root, const std::string& id) {
    state::Record record;
    try {
        record = start_created(root, id);
    } catch (const StartHooksFailed&) {
        stop_and_destroy(root, id, "startContainer");
        throw;
    }
    // After the lock is let go: a poststart hook may run ocirt on this container itself.
    if (!record.hooks.poststart.empty()) wait_for_first_run(record.pid);
    try {
        hooks::run_poststart_hooks(record);
    } catch (const Error&) {
        stop_and_destroy(root, id, "poststart");
        throw;
    }
}

}  // namespace ocirt::runtime
