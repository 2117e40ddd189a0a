// `--reporters=table`: one tab-separated line per test case, for tools/conformance-table to turn into a table:
//   case <TAB> pass|FAIL|skipped <TAB> name <TAB> description
// Tabs and newlines inside a name or description become spaces.
#include <doctest/doctest.h>

#include <mutex>
#include <ostream>
#include <string>

#include "../support/skip.hpp"

namespace {

std::string one_line(const char* text) {
    std::string line = text ? text : "";
    for (char& c : line)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return line;
}

class TableReporter : public doctest::IReporter {
public:
    explicit TableReporter(const doctest::ContextOptions& options) : out_(*options.cout) {}

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}

    void test_case_start(const doctest::TestCaseData& data) override {
        current_ = &data;
        failed_ = false;
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
        std::lock_guard<std::mutex> lock(mutex_);
        failed_ = failed_ || !stats.testCaseSuccess;
        print(*current_, failed_ ? "FAIL" : ocirt::test::skip_ledger().reasons.empty() ? "pass" : "skipped");
    }
    void test_case_exception(const doctest::TestCaseException&) override { failed_ = true; }
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}

    // Cases left out by -tc filters are not reported; those marked doctest::skip() are, and so are those that
    // called ocirt::test::skip() (the listener keeps their reasons until the next case starts).
    void test_case_skipped(const doctest::TestCaseData& data) override {
        if (data.m_skip) print(data, "skipped");
    }

private:
    void print(const doctest::TestCaseData& data, const char* outcome) {
        out_ << "case\t" << outcome << '\t' << one_line(data.m_name) << '\t' << one_line(data.m_description) << '\n';
        out_.flush();
    }

    std::ostream& out_;
    std::mutex mutex_;
    const doctest::TestCaseData* current_ = nullptr;
    bool failed_ = false;
};

}  // namespace

REGISTER_REPORTER("table", 1, TableReporter);
