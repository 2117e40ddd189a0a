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

TEST_CASE("a config error shows its JSON pointer once, in front of the message") {
    Error e = ocirt::ConfigError("/mounts/1/source", "a bind mount needs a source");
    e.context("create");
    CHECK(e.full() == "create: /mounts/1/source: a bind mount needs a source");
    CHECK(e.json_pointer() == "/mounts/1/source");
    CHECK(e.message() == "a bind mount needs a source");
    // Rebuilt from its parts (as the init's errors cross the sync channel), it reads the same.
    CHECK(Error(e.frames(), e.message(), e.errno_value(), e.json_pointer()).full() == e.full());
}

TEST_CASE("an error whose text already names its pointer does not show it twice") {
    CHECK(Error("/linux/uidMappings: the kernel refused uid_map", EPERM, "/linux/uidMappings").full() ==
          "/linux/uidMappings: the kernel refused uid_map: Operation not permitted");
    CHECK(Error({"/linux/resources/memory", "write \"memory.max\""}, "boom", 0, "/linux/resources/memory").full() ==
          "/linux/resources/memory: write \"memory.max\": boom");
    CHECK(Error("/process/args: must have at least 1 item (schema: minItems); /process/cwd: must be absolute (rule)", 0,
                "/process/args")
              .full() == "/process/args: must have at least 1 item (schema: minItems); /process/cwd: must be absolute (rule)");
    // A longer pointer in the text is another field.
    CHECK(Error("see /process/args/0", 0, "/process/args").full() == "/process/args: see /process/args/0");
}
