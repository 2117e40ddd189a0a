// libFuzzer target: the bytes are a config.json. Runs what `ocirt create` does with it before any syscall:
// config::load_config_text (parse, schema check, to_model, semantic rules: load_bundle without the file
// read) and, when the config is valid, plan::make_init_plan on two host shapes.
// Expected outcomes: diagnostics, or an ocirt::Error from the plan. A crash, a sanitizer report, any other
// exception or a broken LoadResult contract is a finding.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <typeinfo>

#include "plan/init_plan.hpp"
#include "config/load.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ocirt;

[[noreturn]] void finding(const char* what) {
    std::fprintf(stderr, "FINDING: %s\n", what);
    std::abort();
}

// A bundle directory with an empty rootfs/, made once per process (the rules stat root.path) and removed
// at exit. Never destroyed, so that the atexit handler may still read it.
const std::string& bundle_dir() {
    static const std::string* dir = [] {
        std::string tmpl = (fs::temp_directory_path() / "ocirt-fuzz-bundle-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) finding("mkdtemp failed");
        fs::create_directory(fs::path(tmpl) / "rootfs");
        auto* path = new std::string(tmpl);
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(bundle_dir(), ec);
        });
        return path;
    }();
    return *dir;
}

// A hybrid cgroup v1 host without security modules, and a cgroup v2 host with all of them.
plan::HostFacts hybrid_host() {
    plan::HostFacts h;
    h.cgroup_hierarchies = {{"cpu,cpuacct", "cpu,cpuacct", false, ""},
                            {"memory", "memory", false, ""},
                            {"systemd", "name=systemd", false, ""},
                            {"unified", "", true, ""}};
    return h;
}

plan::HostFacts v2_host() {
    plan::HostFacts h;
    h.cgroup2_only = true;
    h.security = {true, true, true};
    return h;
}

void plan_on(const config::Config& config, const plan::HostFacts& host, const plan::Options& options) {
    try {
        plan::InitPlan p = plan::make_init_plan(config, host, options);
        (void)p;
    } catch (const Error& e) {
        (void)e.full();  // a config this runtime cannot plan: expected
    }
}

}  // namespace

// The plan's warnings (e.g. "SELinux is not enabled") go to a JSON log on /dev/null, not to the fuzzer's
// stderr: the formatting still runs.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
    log::configure({"/dev/null", log::Format::json, false});
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string& bundle = bundle_dir();
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        config::LoadResult result = config::load_config_text(text, bundle);
        if (result.config.has_value() != result.diagnostics.empty())
            finding("LoadResult: config set with diagnostics, or neither");
        for (const auto& d : result.diagnostics) (void)d.to_string();
        if (!result.config) return 0;
        plan_on(*result.config, hybrid_host(), {bundle, false, 0, false});
        plan_on(*result.config, v2_host(), {bundle, true, 3, true});
    } catch (const Error& e) {
        (void)e.full();  // ocirt's own error type: an expected failure, as the CLI reports it
    } catch (const std::exception& e) {
        std::fprintf(stderr, "FINDING: uncaught %s: %s\n", typeid(e).name(), e.what());
        std::abort();
    }
    return 0;
}
