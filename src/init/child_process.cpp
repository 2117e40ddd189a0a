#include "init/child_process.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <exception>
#include <string>

#include "util/error.hpp"

namespace ocirt::init {

void continue_in_sibling(const sync::Channel& channel, const char* what) {
    long pid = ::syscall(SYS_clone, CLONE_PARENT | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid < 0) throw SysError(std::string("fork ") + what);
    if (pid == 0) return;
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
