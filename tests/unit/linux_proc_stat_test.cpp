#include <doctest/doctest.h>
#include <unistd.h>

#include "linux/proc_stat.hpp"

using ocirt::linux_::parse_proc_stat;

TEST_CASE("proc stat: the fields after comm are counted from its last ')'") {
    std::string text = "4242 (a) (b c) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200";
    auto stat = parse_proc_stat(text);
    REQUIRE(stat);
    CHECK(stat->comm == "a) (b c");
    CHECK(stat->state == 'S');
    CHECK(stat->ppid == 17);
    CHECK(stat->start_time == 987654u);
    CHECK_FALSE(parse_proc_stat("4242 (sh) S 17 4242"));  // cut before starttime
    CHECK_FALSE(parse_proc_stat("4242 sh S 17"));
    CHECK_FALSE(parse_proc_stat(""));
}

TEST_CASE("proc stat: this process reads as running, with its parent and a start time") {
    auto self = ocirt::linux_::read_proc_stat(::getpid());
    REQUIRE(self);
    CHECK(self->comm == "unit_tests");
    CHECK(self->state == 'R');
    CHECK(self->ppid == ::getppid());
    CHECK(self->start_time > 0u);
    CHECK_FALSE(ocirt::linux_::read_proc_stat(0));
    CHECK_FALSE(ocirt::linux_::read_proc_stat(-1));
}
