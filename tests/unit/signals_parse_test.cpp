#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#include "runtime/signals.hpp"
#include "state/store.hpp"
#include "util/error.hpp"

using ocirt::runtime::parse_signal;
using ocirt::runtime::signal_name;

TEST_CASE("signals: names with or without SIG, in any case, and numbers") {
    CHECK(parse_signal("TERM") == SIGTERM);
    CHECK(parse_signal("SIGTERM") == SIGTERM);
    CHECK(parse_signal("sigterm") == SIGTERM);
    CHECK(parse_signal("kill") == SIGKILL);
    CHECK(parse_signal("Cont") == SIGCONT);
    CHECK(parse_signal("SIGUSR1") == SIGUSR1);
    CHECK(parse_signal("9") == SIGKILL);
    CHECK(parse_signal("0") == 0);
    CHECK(parse_signal("RTMIN") == SIGRTMIN);
    CHECK(parse_signal("SIGRTMIN+2") == SIGRTMIN + 2);
    CHECK(parse_signal("rtmax-1") == SIGRTMAX - 1);
}

TEST_CASE("signals: unknown names and numbers out of range are errors naming the input") {
    for (const char* bad : {"SIGFOO", "", "SIG", "-1", "999", "9x", "RTMIN+99", "RTMIN-1"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_signal(bad), ocirt::Error);
    }
    CHECK_THROWS_WITH(parse_signal("SIGFOO"), "unknown signal \"SIGFOO\"");
}

TEST_CASE("signals: signal_name gives the SIG name") {
    CHECK(signal_name(SIGTERM) == "SIGTERM");
    CHECK(signal_name(SIGKILL) == "SIGKILL");
    CHECK(signal_name(SIGRTMIN + 1) == "SIGRTMIN+1");
}

TEST_CASE("signals: signal_init reaches the recorded process and refuses a pid whose start time differs") {
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        for (;;) pause();
    }
    ocirt::state::Record record;
    record.pid = child;
    record.pid_start_time = ocirt::state::process_start_time(child);

    ocirt::state::Record reused = record;
    reused.pid_start_time += 1;
    CHECK_FALSE(ocirt::runtime::signal_init(reused, SIGKILL));
    CHECK(ocirt::state::process_alive(child));
    CHECK_FALSE(ocirt::runtime::wait_init_exit(record, std::chrono::milliseconds(10)));

    CHECK(ocirt::runtime::signal_init(record, SIGKILL));
    CHECK(ocirt::runtime::wait_init_exit(record, std::chrono::seconds(5)));  // exited, not yet reaped
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    CHECK_FALSE(ocirt::runtime::signal_init(record, SIGKILL));
}
