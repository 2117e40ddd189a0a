#include <doctest/doctest.h>

#include <algorithm>

#include <set>

#include "config/load.hpp"
#include "config/rules.hpp"
#include "config/parse_json.hpp"
#include "config_support.hpp"

using namespace ocirt::spec_test;
using ocirt::config::load_bundle;

TEST_CASE("spec corpus: every valid config loads with no diagnostic") {
    auto files = corpus("valid");
    CHECK(files.size() >= 5);
    for (const auto& file : files) {
        CAPTURE(file.filename().string());
        TempBundle bundle;
        bundle.write(read_data_file(file));
        auto result = load_bundle(bundle.path().string());
        for (const auto& d : result.diagnostics) MESSAGE(d.to_string());
        CHECK(result.diagnostics.empty());
        CHECK(result.config.has_value());
    }
}

TEST_CASE("spec corpus: every invalid case reports exactly its pointer and rule") {
    auto files = corpus("invalid");
    CHECK(files.size() >= 45);
    std::size_t syntax = 0, schema = 0, rules = 0;
    for (const auto& file : files) {
        CAPTURE(file.filename().string());
        auto c = nlohmann::json::parse(read_data_file(file));
        const auto& expect = c.at("expect");
        std::string text = invalid_case_text(c);
        TempBundle bundle;
        bundle.write(text);
        auto result = load_bundle(bundle.path().string());
        CHECK_FALSE(result.config.has_value());
        REQUIRE(result.diagnostics.size() == 1);
        const auto& d = result.diagnostics.front();
        CAPTURE(d.to_string());
        CHECK(d.pointer == expect.at("pointer").get<std::string>());
        CHECK(d.rule == expect.at("rule").get<std::string>());
        CHECK_FALSE(d.message.empty());
        if (expect.contains("line")) {
            auto parsed = ocirt::config::parse_json(text);
            CHECK(parsed.line == expect["line"].get<int>());
            CHECK(parsed.column == expect["column"].get<int>());
            std::string where = "line " + std::to_string(parsed.line) + ", column " + std::to_string(parsed.column) + ": ";
            CHECK(d.message.rfind(where, 0) == 0);
        }
        std::string rule = d.rule;
        if (rule == "syntax") ++syntax;
        else if (rule.rfind("schema: ", 0) == 0 || rule.rfind("range: ", 0) == 0) ++schema;
        else if (rule.rfind("rule: ", 0) == 0) ++rules;
    }
    MESSAGE("invalid corpus: " << syntax << " syntax, " << schema << " schema/range, " << rules << " rule cases");
    CHECK(syntax >= 5);
    CHECK(schema >= 20);
    CHECK(rules >= 20);
}

TEST_CASE("spec corpus: every semantic rule is exercised by at least one invalid case") {
    std::set<std::string> expected_rules;
    for (const auto& file : corpus("invalid"))
        expected_rules.insert(nlohmann::json::parse(read_data_file(file)).at("expect").at("rule").get<std::string>());
    std::set<std::string> names;
    for (const auto& rule : ocirt::config::rules()) {
        std::string name(rule.name);
        CAPTURE(name);
        CHECK(names.insert(name).second);
        CHECK(expected_rules.count("rule: " + name) == 1);
    }
}
