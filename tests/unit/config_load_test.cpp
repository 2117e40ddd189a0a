#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <limits>
#include <regex>

#include "config/json_pointer.hpp"
#include "config/load.hpp"
#include "config/parse_json.hpp"
#include "config/schema_check.hpp"
#include "config_support.hpp"
#include "util/error.hpp"

using namespace ocirt::spec_test;
using namespace ocirt::config;

namespace {

std::string busybox_with(const nlohmann::json& patch) {
    auto base = nlohmann::json::parse(read_data_file(data_dir() / "valid" / "busybox.json"));
    return base.patch(patch).dump(2);
}

// Runs f with the working directory set to dir, then restores it.
template <class F>
void in_directory(const fs::path& dir, F f) {
    auto old = fs::current_path();
    fs::current_path(dir);
    try {
        f();
    } catch (...) {
        fs::current_path(old);
        throw;
    }
    fs::current_path(old);
}

}  // namespace

TEST_CASE("spec syntax: line and column computed from the byte offset match nlohmann's own") {
    const char* texts[] = {
        "{\n  \"a\": 1,\n}",
        "{\"a\": [1, 2,, 3]}",
        "\n\n\n   {\"x\": nul}",
        "{\"ociVersion\": \"1.2.0\"",
        "[1, 2]\n  ]",
        "{\r\n \"a\": \"unterminated\r\n}",
    };
    std::regex where("line ([0-9]+), column ([0-9]+)");
    for (const char* text : texts) {
        CAPTURE(text);
        auto parsed = parse_json(text);
        REQUIRE(parsed.error);
        std::string native;
        try {
            auto unexpected = nlohmann::json::parse(text);
            (void)unexpected;
        } catch (const nlohmann::json::parse_error& e) {
            native = e.what();
        }
        std::smatch m;
        REQUIRE(std::regex_search(native, m, where));
        CHECK(parsed.line == std::stoi(m[1]));
        CHECK(parsed.column == std::stoi(m[2]));
        CHECK(parsed.error->pointer.empty());
        CHECK(parsed.error->rule == "syntax");
        CHECK(parsed.error->message.find("[json.exception") == std::string::npos);
    }
}

// Fuzzing regression (tests/fuzz/corpus/config/regression-number-overflow.json): nlohmann throws out_of_range,
// not parse_error, for a number no double holds, and it escaped load_config_text.
TEST_CASE("spec syntax: a number too large for a double is a syntax diagnostic, not an exception") {
    auto parsed = parse_json(R"({"process": {"oomScoreAdj": 1e999}})");
    CHECK_FALSE(parsed.doc);
    REQUIRE(parsed.error);
    CHECK(parsed.error->rule == "syntax");
    CHECK(parsed.error->message.find("number overflow") != std::string::npos);
    LoadResult loaded;
    CHECK_NOTHROW(loaded = load_config_text(R"({"ociVersion": "1.2.0", "oomScoreAdj": -1e999})", "/nonexistent"));
    CHECK_FALSE(loaded.config);
    CHECK_FALSE(loaded.diagnostics.empty());
}

TEST_CASE("spec load: a relative root.path resolves against the bundle, never the working directory") {
    TempBundle bundle;
    bundle.write(read_data_file(data_dir() / "valid" / "busybox.json"));
    TempBundle elsewhere;
    fs::remove(elsewhere.path() / "rootfs");
    in_directory(elsewhere.path(), [&] {
        auto result = load_bundle(bundle.path().string());
        for (const auto& d : result.diagnostics) MESSAGE(d.to_string());
        REQUIRE(result.config);
        CHECK(result.config->root.path == "rootfs");
        CHECK(result.config->root.resolved_path == (bundle.path() / "rootfs").string());
    });

    TempBundle no_rootfs;
    no_rootfs.write(read_data_file(data_dir() / "valid" / "busybox.json"));
    fs::remove(no_rootfs.path() / "rootfs");
    TempBundle cwd_with_rootfs;
    in_directory(cwd_with_rootfs.path(), [&] {
        auto result = load_bundle(no_rootfs.path().string());
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].pointer == "/root/path");
        CHECK(result.diagnostics[0].rule == "rule: root-directory");
    });

    in_directory(bundle.path().parent_path(), [&] {
        auto result = load_bundle(bundle.path().filename().string());
        REQUIRE(result.config);
        CHECK(fs::path(result.config->root.resolved_path).is_absolute());
        CHECK(result.config->root.resolved_path == (bundle.path() / "rootfs").string());
    });
}

TEST_CASE("spec load: an absolute root.path is kept as written (normalised)") {
    TempBundle bundle;
    TempBundle other;
    bundle.write(busybox_with({{{"op", "replace"}, {"path", "/root/path"}, {"value", (other.path() / "." / "rootfs").string()}}}));
    auto result = load_bundle(bundle.path().string());
    REQUIRE(result.config);
    CHECK(result.config->root.resolved_path == (other.path() / "rootfs").string());
}

TEST_CASE("spec load: every problem is reported, and load_bundle_or_throw joins them in one Error") {
    TempBundle bundle;
    bundle.write(busybox_with({{{"op", "replace"}, {"path", "/process/cwd"}, {"value", "tmp"}},
                               {{"op", "add"}, {"path", "/process/capabilities/bounding/-"}, {"value", "CAP_TEST"}},
                               {{"op", "replace"}, {"path", "/ociVersion"}, {"value", "one"}}}));
    auto result = load_bundle(bundle.path().string());
    CHECK_FALSE(result.config);
    REQUIRE(result.diagnostics.size() == 3);
    try {
        (void)load_bundle_or_throw(bundle.path().string());
        FAIL("no throw");
    } catch (const ocirt::Error& e) {
        std::string text = e.what();
        CHECK(text.find('\n') == std::string::npos);
        CHECK(text.find("/ociVersion: must be a SemVer 2.0.0 version such as \"1.2.0\", got \"one\" (rule: oci-version)") != std::string::npos);
        CHECK(text.find("; /process/cwd: must be an absolute path, got \"tmp\" (rule: process-cwd-absolute)") != std::string::npos);
        CHECK(text.find("/process/capabilities/bounding/3: unknown capability \"CAP_TEST\"") != std::string::npos);
        CHECK(e.json_pointer() == result.diagnostics.front().pointer);
        CHECK(text.rfind("config.json: ", 0) == 0);
    }
}

TEST_CASE("spec load: a bundle without config.json is reported, not thrown") {
    TempBundle bundle;
    auto result = load_bundle(bundle.path().string());
    REQUIRE(result.diagnostics.size() == 1);
    CHECK(result.diagnostics[0].rule == "read");
    CHECK(result.diagnostics[0].message.find("No such file or directory") != std::string::npos);
    CHECK_THROWS_AS(load_bundle_or_throw(bundle.path().string()), ocirt::Error);
}

TEST_CASE("spec schema: messages in plain words, innermost failure only") {
    TempBundle bundle;
    auto check_one = [&](const nlohmann::json& patch, const std::string& pointer, const std::string& message, const std::string& rule) {
        bundle.write(busybox_with(patch));
        auto result = load_bundle(bundle.path().string());
        CAPTURE(patch.dump());
        REQUIRE(result.diagnostics.size() == 1);
        CHECK(result.diagnostics[0].pointer == pointer);
        CHECK(result.diagnostics[0].message == message);
        CHECK(result.diagnostics[0].rule == rule);
    };
    check_one({{{"op", "replace"}, {"path", "/process/args"}, {"value", nlohmann::json::array()}}}, "/process/args",
              "must have at least 1 item", "schema: minItems");
    check_one({{{"op", "remove"}, {"path", "/process/cwd"}}}, "/process/cwd", "is required", "schema: required");
    check_one({{{"op", "replace"}, {"path", "/hostname"}, {"value", 7}}}, "/hostname", "must be a string, got integer", "schema: type");
    check_one({{{"op", "replace"}, {"path", "/process/args/1"}, {"value", false}}}, "/process/args/1", "must be a string, got boolean",
              "schema: type");
    check_one({{{"op", "replace"}, {"path", "/process/user/uid"}, {"value", -5}}}, "/process/user/uid", "must be at least 0, got -5",
              "schema: minimum");
    check_one({{{"op", "add"}, {"path", "/annotations"}, {"value", {{"a/b~c", 1}}}}}, "/annotations/a~1b~0c",
              "must be a string, got integer", "schema: type");

    bundle.write(busybox_with({{{"op", "replace"}, {"path", "/process/args"}, {"value", {1, "x", 2.5, nullptr}}}}));
    auto result = load_bundle(bundle.path().string());
    REQUIRE(result.diagnostics.size() == 3);
    CHECK(result.diagnostics[0].pointer == "/process/args/0");
    CHECK(result.diagnostics[1].pointer == "/process/args/2");
    CHECK(result.diagnostics[1].message == "must be a string, got number");
    CHECK(result.diagnostics[2].pointer == "/process/args/3");
    CHECK(result.diagnostics[2].message == "must be a string, got null");
}

TEST_CASE("spec schema: uint64 values above INT64_MAX are valid where the spec says uint64") {
    TempBundle bundle;
    constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
    bundle.write(busybox_with({{{"op", "replace"}, {"path", "/process/rlimits/0"}, {"value", {{"type", "RLIMIT_NOFILE"}, {"soft", kMax}, {"hard", kMax}}}},
                               {{"op", "add"}, {"path", "/linux/resources/cpu"}, {"value", {{"shares", kMax}, {"period", kMax}}}}}));
    auto result = load_bundle(bundle.path().string());
    for (const auto& d : result.diagnostics) MESSAGE(d.to_string());
    REQUIRE(result.config);
    CHECK(result.config->process->rlimits[0].soft == kMax);
    CHECK(*result.config->linux_->resources->cpu->shares == kMax);

    nlohmann::json doc = {{"a", kMax}, {"b", {1, kMax}}, {"c", 5u}};
    CHECK(has_unsigned_above_int64(doc));
    auto clamped = clamp_unsigned_to_int64(doc);
    CHECK(clamped["a"].get<int64_t>() == std::numeric_limits<int64_t>::max());
    CHECK(clamped["b"][1].get<int64_t>() == std::numeric_limits<int64_t>::max());
    CHECK(clamped["c"] == 5);
    CHECK_FALSE(has_unsigned_above_int64(clamped));
}

TEST_CASE("spec schema: only the subschemas of members the document has are compiled, and they still apply") {
    // "broken" names a document that does not exist: compiling its subschema fails, so whether it was compiled
    // shows whether the validator reached it.
    nlohmann::json root = {
        {"type", "object"},
        {"additionalProperties", false},
        {"properties",
         {{"broken", {{"$ref", "missing.json#/definitions/X"}}},
          {"outer", {{"$ref", "defs.json#/definitions/Outer"}}},
          {"either", {{"anyOf", {{{"$ref", "defs.json#/definitions/Outer"}}, {{"type", "string"}}}}}}}}};
    nlohmann::json defs = {
        {"definitions",
         {{"Outer",
           {{"type", "object"},
            {"required", {"inner"}},
            {"properties", {{"inner", {{"$ref", "#/definitions/Inner"}}}, {"unused", {{"$ref", "missing.json#/definitions/Y"}}}}}}},
          {"Inner", {{"type", "integer"}, {"minimum", 3}}}}}};
    SchemaValidator validator({{"root.json", root}, {"defs.json", defs}}, "root.json");

    CHECK(validator.validate({{"outer", {{"inner", 5}}}}).empty());
    auto low = validator.validate({{"outer", {{"inner", 1}}}});
    REQUIRE(low.size() == 1);
    CHECK(low[0].pointer == "/outer/inner");
    CHECK(low[0].rule == "schema: minimum");
    auto missing = validator.validate({{"outer", nlohmann::json::object()}});
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].pointer == "/outer/inner");
    CHECK(missing[0].rule == "schema: required");
    auto extra = validator.validate({{"other", 1}});
    REQUIRE(extra.size() == 1);
    CHECK(extra[0].pointer == "/other");
    CHECK(extra[0].rule == "schema: additionalProperties");
    auto quoted = validator.validate({{"it's: 'x'", 1}});
    REQUIRE(quoted.size() == 1);
    CHECK(quoted[0].pointer == "/it's: 'x'");
    CHECK(validator.validate({{"either", "text"}}).empty());
    CHECK(validator.validate({{"either", {{"inner", 4}}}}).empty());
    CHECK_FALSE(validator.validate({{"either", {{"inner", 2}}}}).empty());

    CHECK_THROWS_AS(validator.validate({{"broken", 1}}), ocirt::Error);
    CHECK_THROWS_AS(validator.validate({{"outer", {{"inner", 5}, {"unused", 1}}}}), ocirt::Error);
}

TEST_CASE("spec json pointer: tokens are escaped as RFC 6901 says") {
    CHECK(pointer_escape("a/b~c") == "a~1b~0c");
    CHECK(pointer_join("/linux/sysctl", "net.ipv4.ip_forward") == "/linux/sysctl/net.ipv4.ip_forward");
    CHECK(pointer_join("/mounts", std::size_t{3}) == "/mounts/3");
    CHECK(pointer_join("", "") == "/");
}

TEST_CASE("spec state schema: runtime.md state documents") {
    nlohmann::json state = {{"ociVersion", "1.2.0"}, {"id", "c1"}, {"status", "running"}, {"pid", 42}, {"bundle", "/b"},
                            {"annotations", {{"k", "v"}}}};
    CHECK(state_schema().validate(state).empty());
    state.erase("id");
    state["status"] = "paused";
    auto problems = state_schema().validate(state);
    REQUIRE(problems.size() == 2);
    std::vector<std::string> pointers = {problems[0].pointer, problems[1].pointer};
    std::sort(pointers.begin(), pointers.end());
    CHECK(pointers == std::vector<std::string>{"/id", "/status"});
}

TEST_CASE("spec diagnostic: the text check and create print") {
    Diagnostic d{"/process/args", "must have at least 1 item", "schema: minItems"};
    CHECK(d.to_string() == "config.json: /process/args: must have at least 1 item (schema: minItems)");
    Diagnostic s{"", "line 2, column 3: syntax error", "syntax"};
    CHECK(s.to_string() == "config.json: line 2, column 3: syntax error (syntax)");
}
