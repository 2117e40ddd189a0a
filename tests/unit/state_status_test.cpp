#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "state/store.hpp"
#include "temp_tree.hpp"

namespace fs = std::filesystem;
using namespace ocirt::state;

namespace {

struct TempDir : ocirt::unit_test::TempTree {
    TempDir() : TempTree("ocirt-status-unit") {}
};

// A child that sleeps until killed; killed and reaped on scope exit.
struct Child {
    pid_t pid = -1;
    bool reaped = false;
    Child() {
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            for (;;) pause();
        }
    }
    ~Child() {
        if (!reaped) {
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
        }
    }
    void kill_without_reaping() {
        kill(pid, SIGKILL);
        siginfo_t info{};
        REQUIRE(waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
    }
    void reap() {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        reaped = true;
    }
};

Record record_for(pid_t pid) {
    Record r;
    r.id = "status";
    r.pid = pid;
    r.pid_start_time = process_start_time(pid);
    return r;
}

}  // namespace

TEST_CASE("status: process_start_time reads field 22 of /proc/PID/stat") {
    CHECK(process_start_time(getpid()) > 0);
    CHECK(process_start_time(getpid()) == process_start_time(getpid()));
    CHECK(process_start_time(0) == 0);
    CHECK(process_start_time(-1) == 0);
    Child child;
    CHECK(process_start_time(child.pid) >= process_start_time(getpid()));
}

TEST_CASE("status: a live process without exec.fifo is running") {
    TempDir dir;
    Child child;
    Record r = record_for(child.pid);
    REQUIRE(r.pid_start_time != 0);
    CHECK(process_alive(child.pid));
    CHECK(derive_status(r, dir.path) == Status::running);
}

TEST_CASE("status: a live process with exec.fifo is created") {
    TempDir dir;
    Child child;
    REQUIRE(mkfifo((dir.path + "/exec.fifo").c_str(), 0622) == 0);
    CHECK(derive_status(record_for(child.pid), dir.path) == Status::created);
}

TEST_CASE("status: a zombie is stopped, even with exec.fifo present") {
    TempDir dir;
    Child child;
    Record r = record_for(child.pid);
    REQUIRE(mkfifo((dir.path + "/exec.fifo").c_str(), 0622) == 0);
    child.kill_without_reaping();
    CHECK(process_start_time(child.pid) == r.pid_start_time);  // still in the process table
    CHECK_FALSE(process_alive(child.pid));
    CHECK(derive_status(r, dir.path) == Status::stopped);
}

TEST_CASE("status: an exited and reaped process is stopped") {
    TempDir dir;
    Child child;
    Record r = record_for(child.pid);
    child.reap();
    CHECK_FALSE(process_alive(child.pid));
    CHECK(derive_status(r, dir.path) == Status::stopped);
}

TEST_CASE("status: a live pid whose start time differs (a reused pid) is stopped") {
    TempDir dir;
    Child child;
    Record r = record_for(child.pid);
    r.pid_start_time += 1;
    CHECK(derive_status(r, dir.path) == Status::stopped);
    r.pid = 0;
    CHECK(derive_status(r, dir.path) == Status::stopped);
}

TEST_CASE("status: open_for_reading derives the status from the saved record") {
    TempDir dir;
    Store store(dir.path);
    Child child;
    {
        auto c = store.create("derived");
        CHECK_THROWS_WITH(store.open_for_reading("derived"), "container \"derived\" is still being created");
        c.save(record_for(child.pid));
    }
    CHECK(store.open_for_reading("derived").status == Status::running);
    REQUIRE(mkfifo((store.dir_of("derived") + "/exec.fifo").c_str(), 0622) == 0);
    CHECK(store.open_for_reading("derived").status == Status::created);
    child.reap();
    CHECK(store.open_for_reading("derived").status == Status::stopped);
}
