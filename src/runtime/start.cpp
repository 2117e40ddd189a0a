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

// fifo(7): a non-blocking reader opens at once and lets the init's blocking open for writing
// complete; the init's pidfd is polled alongside, so an init that died cannot hang `start`. The pidfd is
// opened first: once the fifo is open the user's program runs, and a short one can exit and be reaped by
// the caller (the shim is a subreaper) before a later pidfd_open would find it.
void release_init(const std::string& fifo_path, pid_t pid) {
    UniqueFd pidfd = linux_::open_pidfd(pid);
    int raw = ::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (raw < 0) throw SysError("open exec fifo " + ocirt::quoted(fifo_path));
    UniqueFd fifo(raw);
    for (;;) {
        pollfd fds[2] = {{fifo.get(), POLLIN, 0}, {pidfd.get(), POLLIN, 0}};
        int rc = ::poll(fds, 2, -1);
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) throw SysError("poll exec fifo");
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

void start_created(const std::string& root, const std::string& id) {
    state::Store store(root);
    state::Container container = store.open(id);
    state::Record record = container.load();
    state::Status status = state::derive_status(record, container.dir());
    if (status != state::Status::created)
        throw Error("cannot start a container that is " + std::string(state::to_string(status)));
    std::string fifo = container.exec_fifo_path();
    release_init(fifo, record.pid);
    if (::unlink(fifo.c_str()) < 0) throw SysError("remove " + ocirt::quoted(fifo));
    sync::log_step("parent", "started");
    if (!record.hooks.poststart.empty()) wait_for_first_run(record.pid);
    hooks::run_poststart_hooks(record);
}

}  // namespace

void start_container(const std::string& root, const std::string& id) {
    try {
        start_created(root, id);
    } catch (const StartHooksFailed&) {
        // runtime.md "Lifecycle" step 7: a failing startContainer hook is an error, the container is stopped
        // and the lifecycle goes on at step 12 (destroy) and 13 (poststop hooks), as a delete would.
        try {
            delete_container({root, id, /*force=*/true});
        } catch (const Error& e) {
            log::warn("remove container " + ocirt::quoted(id) + " after its startContainer hook failed: " + e.full());
        }
        throw;
    }
}

}  // namespace ocirt::runtime
