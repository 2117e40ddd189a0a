#include <doctest/doctest.h>

#include "config/load_resources.hpp"
#include "util/error.hpp"

using ocirt::config::load_resources_text;

namespace {

std::string pointer_of(const std::string& text) {
    try {
        load_resources_text(text, "r.json");
    } catch (const ocirt::Error& e) {
        return e.json_pointer() + " | " + e.full();
    }
    return "no error";
}

}  // namespace

TEST_CASE("update resources: runc's format becomes the typed linux.resources, unset values stay unset") {
    auto r = load_resources_text(
        R"({"memory": {"limit": 67108864, "swap": -1}, "cpu": {"quota": 20000, "period": 100000, "cpus": "0"},
            "pids": {"limit": 50}, "blockIO": {"weight": 300}, "unified": {"memory.high": "max"}})",
        "r.json");
    REQUIRE(r.memory);
    CHECK(r.memory->limit == 67108864);
    CHECK(r.memory->swap == -1);
    CHECK_FALSE(r.memory->reservation);
    CHECK(r.cpu->quota == 20000);
    CHECK(r.cpu->period == 100000);
    CHECK(r.cpu->cpus == "0");
    CHECK_FALSE(r.cpu->shares);
    CHECK(r.pids->limit == 50);
    CHECK(r.blockIO->weight == 300);
    CHECK(r.unified.at("memory.high") == "max");
    CHECK(load_resources_text("{}", "r.json").memory == std::nullopt);
}

TEST_CASE("update resources: the zeros Docker sends for what the user left unset are not set, as runc reads them") {
    // daemon/update_linux.go toContainerdResources (Docker 20.10): every field, zero where unset.
    auto r = load_resources_text(
        R"({"blockIO": {"weight": 0}, "cpu": {"shares": 512, "cpus": "", "mems": "", "period": 0, "quota": 0},
            "memory": {"limit": 0, "reservation": 0, "kernel": 0, "disableOOMKiller": false},
            "network": {"classID": 0}, "pids": {"limit": 0}})",
        "r.json");
    REQUIRE(r.cpu);
    CHECK(r.cpu->shares == 512);
    CHECK_FALSE(r.cpu->period);
    CHECK_FALSE(r.cpu->quota);
    CHECK_FALSE(r.cpu->cpus);
    CHECK_FALSE(r.cpu->mems);
    CHECK_FALSE(r.memory);   // nothing left in it
    CHECK_FALSE(r.blockIO);
    CHECK_FALSE(r.network);
    // runtime-spec after 1.2 (runc 1.4): a pids limit of 0 is a real limit, not "unset".
    REQUIRE(r.pids);
    CHECK(r.pids->limit == 0);
    auto weights = load_resources_text(
        R"({"blockIO": {"weightDevice": [{"major": 8, "minor": 0, "weight": 0}, {"major": 8, "minor": 16, "weight": 200}]},
            "memory": {"swappiness": 0}})",
        "r.json");
    REQUIRE(weights.blockIO);
    REQUIRE(weights.blockIO->weightDevice.size() == 1);
    CHECK(weights.blockIO->weightDevice[0].minor == 16);
    REQUIRE(weights.memory);
    CHECK(weights.memory->swappiness == 0);  // 0 is a real swappiness
}

TEST_CASE("update resources: schema problems name the JSON pointer inside the document and the input") {
    CHECK(pointer_of(R"({"memory": {"limit": "lots"}})") ==
          "/memory/limit | r.json: /memory/limit: must be an integer, got string (schema: type)");
    CHECK(pointer_of(R"({"cpu": {"shares": -1}})").rfind("/cpu/shares | ", 0) == 0);
    CHECK(pointer_of(R"({"blockIO": {"weight": 70000}})").rfind("/blockIO/weight | ", 0) == 0);
    CHECK(pointer_of(R"({"devices": [{"allow": "yes"}]})").rfind("/devices/0/allow | ", 0) == 0);
    CHECK(pointer_of(R"([1])").find("must be a JSON object") != std::string::npos);
    CHECK(pointer_of(R"({"pids": )").find("r.json: ") != std::string::npos);
}

TEST_CASE("update resources: a uint64 value above INT64_MAX in an int64 field is a range problem, not a crash") {
    CHECK(pointer_of(R"({"memory": {"limit": 18446744073709551615}})").rfind("/memory/limit | ", 0) == 0);
}
