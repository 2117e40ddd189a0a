#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness.hpp"
#include "config/schema_check.hpp"
#include "../support/skip.hpp"

using namespace ocirt::test;
using nlohmann::json;

namespace {

std::vector<std::string> schema_problems(const json& doc) {
    std::vector<std::string> out;
    for (const auto& d : ocirt::config::features_schema().validate(doc)) out.push_back(d.describe());
    return out;
}

std::vector<std::string> names_at(const json& doc, const std::string& pointer) {
    return doc.at(json::json_pointer(pointer)).get<std::vector<std::string>>();
}

}  // namespace

TEST_CASE("features: `ocirt features` prints a features document that validates against the schema") {
    Result r = run_program({ocirt_binary(), "features"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
    json doc = json::parse(r.out);
    CHECK(schema_problems(doc) == std::vector<std::string>{});
    CHECK(doc.at("ociVersionMax") == "1.3.0");
    CHECK(doc.at("linux").at("seccomp").at("enabled") == true);
    // Pretty-printed as runc prints it (four-space indent, fields in the spec's order): the output is its own
    // document, re-read in order and indented again.
    CHECK(r.out == nlohmann::ordered_json::parse(r.out).dump(4) + "\n");

    Result help = run_program({ocirt_binary(), "features", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("usage: ocirt features") != std::string::npos);

    Result extra = run_program({ocirt_binary(), "features", "unexpected"});
    CHECK(extra.exit_code == 1);
    CHECK(extra.out.empty());
}

TEST_CASE("features: every namespace, capability, hook, seccomp action and operator runc lists, ocirt lists too") {
    const std::string runc = "/usr/sbin/runc";
    OCIRT_SKIP_IF(::access(runc.c_str(), X_OK) != 0, "runc is not installed (" + runc + "): nothing to compare");
    Result theirs = run_program({runc, "features"});
    REQUIRE(theirs.exit_code == 0);
    json runc_doc = json::parse(theirs.out);
    // The schema describes runtime-spec 1.2; runc 1.1.5's document is an older subset of it.
    CHECK(schema_problems(runc_doc) == std::vector<std::string>{});

    json ours = json::parse(run_program({ocirt_binary(), "features"}).out);
    for (const char* pointer : {"/hooks", "/linux/namespaces", "/linux/capabilities", "/linux/seccomp/actions",
                                "/linux/seccomp/operators"}) {
        auto listed = names_at(ours, pointer);
        for (const auto& name : names_at(runc_doc, pointer)) {
            CAPTURE(pointer);
            CAPTURE(name);
            CHECK(std::find(listed.begin(), listed.end(), name) != listed.end());
        }
    }
}
