#include <doctest/doctest.h>

#include "init/process_env.hpp"
#include "plan/capability_sets.hpp"
#include "plan/init_plan.hpp"
#include "config/rules.hpp"

using namespace ocirt;

TEST_CASE("process env: passwd_home takes the first entry of the uid, skipping malformed lines") {
    const char* passwd =
        "root:x:0:0:root:/root:/bin/sh\n"
        "broken line without fields\n"
        "bad:x:12x:0::/bad:/bin/sh\n"
        "app:x:1000:1000:App User:/home/app:/bin/sh\n"
        "again:x:1000:1000::/second:/bin/sh\n"
        "noshell:x:7:7::/var/seven";
    CHECK(init::passwd_home(passwd, 0) == "/root");
    CHECK(init::passwd_home(passwd, 1000) == "/home/app");
    CHECK(init::passwd_home(passwd, 7) == "/var/seven");
    CHECK_FALSE(init::passwd_home(passwd, 12));
    CHECK_FALSE(init::passwd_home(passwd, 4242));
    CHECK_FALSE(init::passwd_home("", 0));
}

TEST_CASE("process env: an unknown capability is an error for ociVersion 1.0.x only") {
    CHECK(config::unknown_capability_is_error("1.0.0"));
    CHECK(config::unknown_capability_is_error("1.0.2"));
    CHECK(config::unknown_capability_is_error("1.0.2-dev"));
    CHECK(config::unknown_capability_is_error("not a version"));
    CHECK_FALSE(config::unknown_capability_is_error("1.1.0"));
    CHECK_FALSE(config::unknown_capability_is_error("1.1.0-rc.1"));
    CHECK_FALSE(config::unknown_capability_is_error("1.2.0"));
    CHECK_FALSE(config::unknown_capability_is_error("1.10.3+build"));
}

TEST_CASE("process env: plan_capabilities leaves an unknown name out when it is not an error") {
    config::Capabilities caps;
    caps.bounding = std::vector<std::string>{"CAP_KILL", "CAP_TEST"};
    auto sets = plan::plan_capabilities(caps, "/process", false);
    CHECK(sets.bounding == (uint64_t{1} << 5));
    CHECK_THROWS(plan::plan_capabilities(caps, "/process", true));
}

TEST_CASE("process env: the container's session keyring is runc's _ses.<id>, searchable by uid or, with a user namespace, by others") {
    auto plain = plan::container_session_keyring("abc", true, false);
    CHECK(plain.name == "_ses.abc");
    CHECK(plain.add_permissions == 0x00080000u);
    CHECK(plan::container_session_keyring("abc", true, true).add_permissions == 0x00000008u);
    // exec joins the keyring the init made, as it is.
    auto exec = plan::container_session_keyring("abc", false);
    CHECK(exec.name == "_ses.abc");
    CHECK(exec.add_permissions == 0u);
}
