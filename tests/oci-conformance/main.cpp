// The conformance suite's entry point. RUNTIME selects the runtime under test (default: this build's ocirt).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "conformance.hpp"
#include "../support/skip_listener.hpp"

namespace {

const char kUnifiedControllers[] = "/sys/fs/cgroup/unified/cgroup.controllers";

// crun 1.8 refuses a hybrid host whose cgroup2 root lists a controller (here: hugetlb). Give this process a
// private mount namespace in which that file reads empty, so the host's mounts are never changed.
bool hide_unified_controllers_from_crun() {
    std::string controllers = ocirt::test::read_file(kUnifiedControllers);
    if (controllers.find_first_not_of(" \n") == std::string::npos) return true;
    std::string empty = "/tmp/conformance-empty-controllers-" + std::to_string(::getpid());
    std::ofstream(empty).flush();
    bool ok = ::unshare(CLONE_NEWNS) == 0 && ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
              ::mount(empty.c_str(), kUnifiedControllers, nullptr, MS_BIND, nullptr) == 0;
    if (!ok) std::fprintf(stderr, "conformance: cannot hide the cgroup2 controllers from crun: %s\n", std::strerror(errno));
    ::unlink(empty.c_str());
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    std::string name = ocirt::conformance::runtime_name();
    if (name == "crun" && !hide_unified_controllers_from_crun()) return 1;
    std::printf("conformance: runtime under test: %s\n", ocirt::conformance::runtime_binary().c_str());
    doctest::Context context(argc, argv);
    return context.run();
}
