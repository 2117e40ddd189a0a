#include <doctest/doctest.h>

#include <set>

#include "config/load.hpp"
#include "config/parse_json.hpp"
#include "config/schema_check.hpp"
#include "config_support.hpp"

using namespace ocirt::spec_test;
using namespace ocirt::config;

namespace {

const fs::path kUpstream = "/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema";

// Debian's runtime-spec 1.0.2-dev schemas, read from disk. Their uint64 bound 18446744073709551615 would
// read as -1 through valijson (pitfalls.md), so it is lowered to INT64_MAX; the documents are clamped the
// same way by SchemaValidator.
const SchemaValidator& upstream_schema() {
    static const SchemaValidator validator = [] {
        std::map<std::string, nlohmann::json> docs;
        for (const auto& e : fs::directory_iterator(kUpstream)) {
            if (e.path().extension() != ".json") continue;
            std::string text = read_data_file(e.path());
            for (auto pos = text.find("18446744073709551615"); pos != std::string::npos; pos = text.find("18446744073709551615"))
                text.replace(pos, 20, "9223372036854775807");
            docs.emplace(e.path().filename().string(), nlohmann::json::parse(text));
        }
        return SchemaValidator(std::move(docs), "config-schema.json");
    }();
    return validator;
}

// Values that runtime-spec 1.1/1.2 added to enums that the 1.0.2 schemas close.
const std::set<std::string> kAddedAfter102 = {"time", "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB"};

}  // namespace

TEST_CASE("spec upstream: every valid config also passes Debian's upstream 1.0.2 schemas, except for 1.1 to 1.3 additions") {
    REQUIRE(fs::exists(kUpstream / "config-schema.json"));
    for (const auto& file : corpus("valid")) {
        CAPTURE(file.filename().string());
        auto doc = nlohmann::json::parse(read_data_file(file));
        for (const auto& d : upstream_schema().validate(doc)) {
            CAPTURE(d.to_string());
            // 1.3 made pids.limit OPTIONAL.
            if (d.pointer == "/linux/resources/pids/limit" && d.rule == "schema: required") continue;
            CHECK(d.rule == "schema: enum");
            auto value = doc.at(nlohmann::json::json_pointer(d.pointer));
            CHECK(kAddedAfter102.count(value.get<std::string>()) == 1);
        }
    }
}

TEST_CASE("spec upstream: each invalid case that upstream's schema rejects is rejected by ours") {
    std::size_t total = 0, syntax = 0, upstream_rejects = 0, ours_reject_too = 0;
    for (const auto& file : corpus("invalid")) {
        CAPTURE(file.filename().string());
        ++total;
        auto c = nlohmann::json::parse(read_data_file(file));
        std::string text = invalid_case_text(c);
        auto parsed = parse_json(text);
        if (!parsed.doc) {
            ++syntax;
            continue;
        }
        if (upstream_schema().validate(*parsed.doc).empty()) continue;
        ++upstream_rejects;
        TempBundle bundle;
        bundle.write(text);
        auto ours = load_bundle(bundle.path().string());
        CHECK_FALSE(ours.diagnostics.empty());
        if (!ours.diagnostics.empty()) ++ours_reject_too;
    }
    MESSAGE("invalid corpus: " << total << " cases, " << syntax << " not JSON; upstream's schema rejects " << upstream_rejects
                               << ", ours rejects " << ours_reject_too << " of those (and all " << total << ")");
    CHECK(upstream_rejects > 0);
    CHECK(ours_reject_too == upstream_rejects);
}
