#pragma once
// Included by each test binary's main.cpp, after doctest's implementation: registers the listener that
// turns ocirt::test::skip() into skipped cases in doctest's summary.
//
// doctest 2.4 counts "skipped" as the cases that did not pass its filters (numTestCases minus
// numTestCasesPassingFilters). A case that called skip() and failed nothing is moved out of that count
// when the run ends; the stats test_run_end receives are doctest's own run state, not a copy, and every
// reporter (console, xml, junit) gets them after the listeners, so all of them count the case as skipped.
// Before the console's summary, the listener names each skipped case and why.
#include <doctest/doctest.h>

#include <ostream>
#include <string>
#include <vector>

#include "skip.hpp"

namespace ocirt::test {

class SkipListener : public doctest::IReporter {
public:
    explicit SkipListener(const doctest::ContextOptions& options) : options_(options) {
        skip_ledger().listening = true;
    }

    void test_case_start(const doctest::TestCaseData& test) override {
        test_ = &test;
        skip_ledger().subcase_depth = 0;
        skip_ledger().reasons.clear();
    }
    void test_case_reenter(const doctest::TestCaseData&) override { skip_ledger().subcase_depth = 0; }
    void subcase_start(const doctest::SubcaseSignature&) override { ++skip_ledger().subcase_depth; }
    void subcase_end() override { --skip_ledger().subcase_depth; }

    void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
        SkipLedger& ledger = skip_ledger();
        if (!ledger.reasons.empty() && stats.testCaseSuccess && test_ != nullptr) {
            std::string why;
            for (const auto& reason : ledger.reasons) why += (why.empty() ? "" : "; ") + reason;
            skipped_.push_back("\"" + std::string(test_->m_name) + "\": " + why);
        }
        test_ = nullptr;  // reasons stay until the next case starts: reporters (after the listeners) read them
    }

    void test_run_end(const doctest::TestRunStats& stats) override {
        if (skipped_.empty()) return;
        auto& run = const_cast<doctest::TestRunStats&>(stats);  // doctest's own (non-const) run state
        run.numTestCasesPassingFilters -= static_cast<unsigned>(skipped_.size());
        if (options_.quiet) return;
        std::ostream& out = *options_.cout;
        out << "[doctest] skipped at run time, for what this host lacks: " << skipped_.size() << "\n";
        for (const auto& line : skipped_) out << "[doctest]   " << line << "\n";
    }

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}

private:
    const doctest::ContextOptions& options_;
    const doctest::TestCaseData* test_ = nullptr;
    std::vector<std::string> skipped_;
};

}  // namespace ocirt::test

DOCTEST_REGISTER_LISTENER("skips", 0, ocirt::test::SkipListener);
