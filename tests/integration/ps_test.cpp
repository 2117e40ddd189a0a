#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "container_helpers.hpp"
#include "exec_helpers.hpp"
#include "harness.hpp"

using namespace ocirt::test;
using nlohmann::json;

namespace {

std::vector<std::vector<std::string>> table_rows(const std::string& out) {
    std::vector<std::vector<std::string>> rows;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::vector<std::string> row;
        for (std::string word; words >> word;) row.push_back(word);
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

TEST_CASE("ps: json is a plain array of the host pids of every process in the container, an exec'd one included") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.shell("sleep 1000 & sleep 1001");
    RunningContainer container(ocirt, bundle, "ps-json");
    TempDir files("ocirt-ps");
    std::string pid_file = files.path() + "/exec.pid";
    REQUIRE(run_to_files(ocirt, {"exec", "-d", "--pid-file", pid_file, container.id(), "sleep", "1002"},
                         files.path() + "/o", files.path() + "/e")
                .exit_code == 0);
    pid_t exec_pid = std::stoi(read_file(pid_file));

    auto ps = ocirt({"ps", "--format", "json", container.id()});
    INFO(ps.err);
    REQUIRE(ps.exit_code == 0);
    json pids = json::parse(ps.out);
    REQUIRE(pids.is_array());
    // Every host pid the kernel shows in the container's pid namespace, read from /proc.
    std::vector<pid_t> expected;
    std::string init_ns = read_file("/proc/" + std::to_string(container.pid()) + "/cgroup");
    for (pid_t pid : processes_mentioning("sleep"))
        if (read_file("/proc/" + std::to_string(pid) + "/cgroup") == init_ns) expected.push_back(pid);
    std::sort(expected.begin(), expected.end());
    CHECK(expected.size() == 3);
    CHECK(pids == json(expected));
    CHECK(std::find(expected.begin(), expected.end(), container.pid()) != expected.end());
    CHECK(std::find(expected.begin(), expected.end(), exec_pid) != expected.end());
}

TEST_CASE("ps: the table names each process with its uid, pid, ppid, state and command line") {
    Ocirt ocirt;
    Bundle bundle;
    bundle.config["process"]["args"] = {"sleep", "1000"};
    RunningContainer container(ocirt, bundle, "ps-table");
    auto ps = ocirt({"ps", container.id()});
    INFO(ps.out);
    REQUIRE(ps.exit_code == 0);
    auto rows = table_rows(ps.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == std::vector<std::string>{"UID", "PID", "PPID", "STAT", "CMD"});
    std::string stat = read_file("/proc/" + std::to_string(container.pid()) + "/stat");
    std::istringstream after_comm(stat.substr(stat.rfind(')') + 2));
    std::string state, ppid;
    after_comm >> state >> ppid;
    CHECK(rows[1] == std::vector<std::string>{"0", std::to_string(container.pid()), ppid, state, "sleep", "1000"});
}

TEST_CASE("ps: an unknown container and an unknown format are refused") {
    Ocirt ocirt;
    auto unknown = ocirt({"ps", "no-such-container"});
    CHECK(unknown.exit_code == 1);
    CHECK(unknown.err.find("container \"no-such-container\" does not exist") != std::string::npos);
    CHECK(unknown.out == "");
    auto format = ocirt({"ps", "--format", "yaml", "no-such-container"});
    CHECK(format.exit_code == 1);
    CHECK(format.err.find("--format") != std::string::npos);
}
