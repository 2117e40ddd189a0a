// The real-client suite's entry point: containerd (ctr + runc v2 shim) and podman (conmon) run containers
// on RUNTIME (default: this build's ocirt; RUNTIME=runc shows the tests test the clients' path).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "clients.hpp"
#include "../support/skip_listener.hpp"

int main(int argc, char** argv) {
    std::printf("clients: runtime under test: %s\n", ocirt::clients::runtime_binary().c_str());
    doctest::Context context(argc, argv);
    int result = context.run();
    // The fixtures' teardown: anything a client left behind (processes, mounts, cgroups) fails the run.
    if (ocirt::clients::run_suite_end_checks() > 0 && result == 0) result = 1;
    return result;
}
