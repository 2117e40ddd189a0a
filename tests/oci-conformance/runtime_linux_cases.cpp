// runtime-linux.md "File descriptors": the process gets stdin, stdout and stderr, plus only the fds the
// caller asks the runtime to pass (runc's --preserve-fds, shared by crun and ocirt).
// Skipped: "Some of the file descriptors MAY be redirected to /dev/null" is a permission, not a requirement.
// ("Dev symbolic links" is in config_linux_cases.cpp.)
#include <doctest/doctest.h>

#include "conformance.hpp"
#include "linux_support.hpp"

using namespace ocirt::conformance;

TEST_CASE("runtime-linux.md#file-descriptors: only stdio and the fds passed with --preserve-fds are open in the process [MUST]") {
    Runtime runtime;
    ocirt::test::TempDir output("conformance-fds");
    const std::pair<int, std::vector<int>> cases[] = {{0, {0, 1, 2}}, {2, {0, 1, 2, 3, 4}}};
    for (const auto& [preserved, expected] : cases) {
        CAPTURE(preserved);
        SpecBundle bundle;
        bundle.config["process"]["args"] = {"/probe", "fds"};
        bundle.write();
        // The runtime inherits fds 3, 4 and 5 open; it must not pass those it was not asked to.
        auto r = run_with_open_fds({runtime_binary(), "--root", runtime.root(), "run", "--preserve-fds",
                                    std::to_string(preserved), "--bundle", bundle.path(), ocirt::test::unique_id("conf")},
                                   3, output.path());
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        CHECK(probe_report(r.out)["fds"] == nlohmann::json(expected));
    }
}
