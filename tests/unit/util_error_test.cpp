#include <doctest/doctest.h>

#include <cerrno>

#include "util/error.hpp"

using ocirt::Error;

TEST_CASE("an error reads as its context chain, outermost first") {
    Error e("mount " + ocirt::quoted("proc") + " on " + ocirt::quoted("/proc"), EPERM);
    e.context("init").context("create");
    CHECK(e.full() == "create: init: mount \"proc\" on \"/proc\": Operation not permitted");
    CHECK(e.frames().size() == 2);
    CHECK(e.errno_value() == EPERM);
}

TEST_CASE("with_context adds a frame to an error thrown inside") {
    try {
        ocirt::with_context("start", [] { throw Error("boom"); });
        FAIL("no throw");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "start: boom");
    }
}
