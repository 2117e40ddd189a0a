#include "init/child_process.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <string>

#include "util/error.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::init {

void continue_in_sibling(const sync::Channel& channel, const char* what, bool after_pid_sent) {
    int sent[2] = {-1, -1};
    if (after_pid_sent && ::pipe2(sent, O_CLOEXEC) < 0) throw SysError(std::string("pipe before forking ") + what);
    UniqueFd sent_read(sent[0]), sent_write(sent[1]);
    long pid = ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid < 0) throw SysError(std::string("fork ") + what);
    if (pid == 0) {
        if (after_pid_sent) {
            sent_write.reset();
            char byte;
            ssize_t n;
            while ((n = ::read(sent_read.get(), &byte, 1)) < 0 && errno == EINTR) {
            }
            if (n < 0) throw SysError("wait for the pid of " + std::string(what) + " to be sent");
        }
        return;
    }
    sent_read.reset();
    channel.send(sync::Message::init_pid(static_cast<pid_t>(pid)));
    ::_exit(0);
}

void report_failure_and_exit(const sync::Channel& channel, const char* stage) {
    try {
        throw;
    } catch (Error& e) {
        e.context(stage);
        try {
            channel.send(sync::Message::fail(e));
        } catch (...) {
        }
    } catch (const std::exception& e) {
        try {
            channel.send(sync::Message::fail(Error(std::string(e.what())).context(stage)));
        } catch (...) {
        }
    } catch (...) {
    }
    ::_exit(1);
}

}  // namespace ocirt::init
