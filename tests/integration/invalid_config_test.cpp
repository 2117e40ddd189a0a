#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "container_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> invalid_cases() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(source_dir()) / "tests" / "data" / "invalid"))
        if (e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Processes whose parent is this test, or whose command line names `needle`.
std::vector<std::string> processes_related_to(const std::string& needle) {
    std::vector<std::string> found;
    const std::string self = std::to_string(getpid());
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        std::string pid = e.path().filename().string();
        if (pid.empty() || !std::all_of(pid.begin(), pid.end(), ::isdigit)) continue;
        std::string stat = read_file(e.path() / "stat");
        auto close = stat.rfind(')');
        if (close != std::string::npos) {
            std::string rest = stat.substr(close + 2);  // "S ppid ..."
            auto space = rest.find(' ');
            std::string ppid = rest.substr(space + 1, rest.find(' ', space + 1) - space - 1);
            if (ppid == self) found.push_back(pid + " (child of the test)");
        }
        std::string cmdline = read_file(e.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(needle) != std::string::npos) found.push_back(pid + ": " + cmdline);
    }
    return found;
}


std::vector<std::string> mounts_naming(const std::string& a, const std::string& b) {
    std::vector<std::string> found;
    std::ifstream mountinfo("/proc/self/mountinfo");
    for (std::string line; std::getline(mountinfo, line);)
        if (line.find(a) != std::string::npos || line.find(b) != std::string::npos) found.push_back(line);
    return found;
}

}  // namespace

TEST_CASE("invalid config: create exits 1 naming the pointer and rule, and leaves nothing behind") {
    Ocirt ocirt;
    auto cases = invalid_cases();
    REQUIRE(cases.size() >= 45);
    for (const auto& file : cases) {
        CAPTURE(file.filename().string());
        auto c = nlohmann::json::parse(read_file(file.string()));
        const auto& expect = c.at("expect");
        std::string pointer = expect.at("pointer").get<std::string>();
        std::string rule = expect.at("rule").get<std::string>();

        Bundle bundle;
        if (c.contains("raw")) {
            std::ofstream(bundle.path() + "/config.json") << c["raw"].get<std::string>();
        } else {
            if (c.contains("config")) bundle.config = c["config"];
            else bundle.config = bundle.config.patch(c.at("patch"));
            if (bundle.config.contains("root") && bundle.config["root"].value("path", "") == "rootfs")
                bundle.config["root"]["path"] = busybox_rootfs();
            bundle.write();
        }

        std::string id = unique_id("invalid");
        Result r = ocirt({"create", "--bundle", bundle.path(), id});
        CAPTURE(r.err);
        CHECK(r.exit_code == 1);
        CHECK(r.err.find("(" + rule + ")") != std::string::npos);
        if (pointer.empty()) {
            CHECK(r.err.find("line " + std::to_string(expect.at("line").get<int>()) + ", column " +
                             std::to_string(expect.at("column").get<int>())) != std::string::npos);
        } else {
            CHECK(r.err.find(pointer + ": ") != std::string::npos);
        }

        CHECK_FALSE(fs::exists(ocirt.state_dir(id)));
        CHECK(fs::is_empty(ocirt.root()));
        CHECK(mounts_naming(bundle.path(), id).empty());
        CHECK(processes_related_to(id).empty());
        CHECK(cgroups_named(id).empty());
    }
}
