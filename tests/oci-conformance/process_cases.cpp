// config.md "Process" and config-linux.md "Personality": the terminal, its size, the umask and the
// execution domain, read back from inside the container.
#include <doctest/doctest.h>
#include <unistd.h>

#include "conformance.hpp"

using namespace ocirt::conformance;

TEST_CASE("config.md#process: terminal gives the process a pseudoterminal of consoleSize on its standard streams [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["consoleSize"] = {{"height", 21}, {"width", 77}};
    bundle.shell("for fd in 0 1 2; do test -t $fd && echo tty$fd; done; stty size");
    CHECK(run_on_terminal(runtime, bundle) == "tty0\r\ntty1\r\ntty2\r\n21 77\r\n");
}

TEST_CASE("config.md#process: consoleSize is ignored when terminal is false [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["consoleSize"] = {{"height", 21}, {"width", 77}};
    auto r = run_container(runtime, bundle, "test -t 1 || echo no-tty");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "no-tty\n");
}

TEST_CASE("config.md#user: umask is the process's umask [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["process"]["user"]["umask"] = 027;
    auto r = run_container(runtime, bundle, "umask");
    CHECK(r.out == "0027\n");
}

TEST_CASE("config-linux.md#personality: the LINUX32 domain makes uname report a 32-bit machine [MUST]") {
    Runtime runtime;
    SpecBundle bundle;
    bundle.config["linux"]["personality"] = {{"domain", "LINUX32"}};
    auto r = run_container(runtime, bundle, "uname -m");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "i686\n");
}
