// The integration suite's main: doctest, then a check that no test left a cgroup behind (issue 5: "no
// cgroup left behind by any test, including failed creates"); leftovers fail the run and name the test.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "cgroup_leak_listener.hpp"
#include "../support/skip_listener.hpp"

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    int rc = context.run();
    if (context.shouldExit()) return rc;
    const auto& leaks = ocirt::test::cgroup_leaks();
    for (const auto& leak : leaks) std::fprintf(stderr, "cgroup left behind by \"%s\": %s\n", leak.test.c_str(), leak.directory.c_str());
    if (!leaks.empty()) {
        std::fprintf(stderr, "%zu cgroup(s) left behind\n", leaks.size());
        return rc == 0 ? 1 : rc;
    }
    return rc;
}
