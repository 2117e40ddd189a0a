#include "cgroup_leak_listener.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "cgroups/hierarchy.hpp"

namespace ocirt::test {
namespace fs = std::filesystem;
namespace {

std::vector<CgroupLeak>& leaks() {
    static std::vector<CgroupLeak> all;
    return all;
}

// The sandbox that runs these tests makes a memory cgroup under /process_api for each command it starts;
// those come and go on their own and are not the tests' doing.
bool belongs_to_the_host(const std::string& path) { return path.find("/process_api/") != std::string::npos; }

std::set<std::string> cgroup_directories() {
    std::set<std::string> dirs;
    for (const auto& hierarchy : cgroups::Hierarchy::detect().all()) {
        std::error_code ec;
        fs::recursive_directory_iterator it(hierarchy.mount_point, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec))
            if (it->is_directory(ec) && !belongs_to_the_host(it->path().string())) dirs.insert(it->path().string());
    }
    return dirs;
}

struct CgroupLeakListener : doctest::IReporter {
    explicit CgroupLeakListener(const doctest::ContextOptions&) {}

    void test_case_start(const doctest::TestCaseData& data) override {
        name_ = data.m_name;
        before_ = cgroup_directories();
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {
        for (const auto& dir : cgroup_directories())
            if (!before_.count(dir)) {
                leaks().push_back({name_, dir});
                before_.insert(dir);
            }
    }
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}

private:
    std::string name_;
    std::set<std::string> before_;
};

REGISTER_LISTENER("cgroup-leaks", 1, CgroupLeakListener);

}  // namespace

const std::vector<CgroupLeak>& cgroup_leaks() { return leaks(); }

}  // namespace ocirt::test
