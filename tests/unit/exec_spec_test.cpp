#include <doctest/doctest.h>

#include "runtime/exec_spec.hpp"
#include "state/store.hpp"
#include "config_support.hpp"
#include "util/error.hpp"

using namespace ocirt;
using namespace ocirt::spec_test;
using nlohmann::json;

namespace {

json busybox_config() { return json::parse(read_data_file(data_dir() / "valid" / "busybox.json")); }

runtime::ExecRequest command(std::vector<std::string> args) {
    runtime::ExecRequest request;
    request.id = "c";
    request.args = std::move(args);
    return request;
}

// What create kept of the bundle's config.json.
runtime::ConfigText created_text(const TempBundle& bundle) {
    return {read_data_file(bundle.path() / "config.json"), (bundle.path() / "config.json").string()};
}

std::vector<std::string> or_empty(const std::optional<std::vector<std::string>>& list) {
    return list ? *list : std::vector<std::string>{};
}

}  // namespace

TEST_CASE("exec spec: the flags change the config's process as runc's exec does; the rest of the config comes along") {
    TempBundle bundle;
    json config = busybox_config();
    config["process"]["env"] = {"PATH=/bin", "TERM=xterm"};
    config["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"}};
    bundle.write(config.dump());
    auto request = command({"sh", "-c", "true"});
    request.env = {"TERM=dumb", "NEW=1"};
    request.cwd = "/tmp";
    request.user = "1000:1001";
    request.additional_gids = {5, 6};
    request.no_new_privileges = true;
    request.tty = true;
    config::Config result = runtime::exec_config(request, created_text(bundle), bundle.path().string());
    REQUIRE(result.process);
    const config::Process& p = *result.process;
    CHECK(p.args == std::vector<std::string>{"sh", "-c", "true"});
    CHECK(p.env == std::vector<std::string>{"PATH=/bin", "TERM=dumb", "NEW=1"});
    CHECK(p.cwd == "/tmp");
    CHECK(p.user.uid == 1000);
    CHECK(p.user.gid == 1001);
    CHECK(p.user.additionalGids == std::vector<uint32_t>{5, 6});
    CHECK(p.noNewPrivileges);
    CHECK(p.terminal);
    REQUIRE(result.linux_);
    CHECK(result.linux_->seccomp.has_value());
}

TEST_CASE("exec spec: --cap joins bounding, effective and permitted, and ambient only beside an inheritable set") {
    TempBundle bundle;
    json config = busybox_config();
    config["process"]["capabilities"] = {{"bounding", {"CAP_KILL"}}, {"effective", {"CAP_KILL"}}, {"permitted", {"CAP_KILL"}}};
    bundle.write(config.dump());
    auto request = command({"true"});
    request.capabilities = {"CAP_SYS_ADMIN", "CAP_KILL"};
    auto caps = runtime::exec_config(request, created_text(bundle), bundle.path().string()).process->capabilities;
    REQUIRE(caps);
    CHECK(or_empty(caps->bounding) == std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"});
    CHECK(or_empty(caps->effective) == std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"});
    CHECK(or_empty(caps->permitted) == std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"});
    CHECK(or_empty(caps->ambient).empty());

    config["process"]["capabilities"]["inheritable"] = json::array();
    bundle.write(config.dump());
    caps = runtime::exec_config(request, created_text(bundle), bundle.path().string()).process->capabilities;
    CHECK(or_empty(caps->ambient) == std::vector<std::string>{"CAP_SYS_ADMIN", "CAP_KILL"});
}

TEST_CASE("exec spec: a bad --user and a bad --process file are errors that name what is wrong") {
    TempBundle bundle;
    bundle.write(busybox_config().dump());
    auto request = command({"true"});
    request.user = "1000:abc";
    CHECK_THROWS_WITH_AS(runtime::exec_config(request, created_text(bundle), bundle.path().string()),
                         doctest::Contains("--user: gid \"abc\" is not a number"), Error);

    auto from_file = command({});
    from_file.process_file = (bundle.path() / "process.json").string();
    std::ofstream(from_file.process_file) << json{{"args", json::array()}, {"cwd", "/"}}.dump();
    try {
        runtime::exec_config(from_file, created_text(bundle), bundle.path().string());
        FAIL("an empty args list was accepted");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("/args") != std::string::npos);
        CHECK(e.json_pointer() == "/args");
    }
}

TEST_CASE("exec spec: the container's config is the copy create kept; without one, the bundle's config.json") {
    TempBundle bundle;
    bundle.write("{\"from\": \"bundle\"}");
    state::Store store((bundle.path() / "root").string());
    state::Container container = store.create("c");
    runtime::ConfigText old = runtime::created_config(container, bundle.path().string());
    CHECK(old.text == "{\"from\": \"bundle\"}");
    CHECK(old.path == (bundle.path() / "config.json").string());

    container.save_config("{\"from\": \"create\"}");
    runtime::ConfigText kept = runtime::created_config(container, bundle.path().string());
    CHECK(kept.text == "{\"from\": \"create\"}");
    CHECK(kept.path == (bundle.path() / "root" / "c" / "config.json").string());
    CHECK((fs::status(kept.path).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}
