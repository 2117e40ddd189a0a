#pragma once
// linux.resources as a real client sends them, for the tests that check that its zeros for unset limits
// write nothing, on v1 and on v2.
#include <nlohmann/json.hpp>

namespace ocirt::test {

// What Docker 20.10 writes into linux.resources for `docker run` without limits, and what `docker update
// --cpu-shares 512` sends (daemon/update_linux.go toContainerdResources: every field, zero where unset).
inline const nlohmann::json kDockerRunResources = {{"cpu", {{"shares", 0}}},
                                                   {"blockIO", {{"weight", 0}}},
                                                   {"memory", {{"disableOOMKiller", false}}}};
inline const nlohmann::json kDockerUpdateResources = {
    {"blockIO", {{"weight", 0}}},
    {"cpu", {{"shares", 512}, {"cpus", ""}, {"mems", ""}, {"period", 0}, {"quota", 0}}},
    {"memory", {{"limit", 0}, {"reservation", 0}, {"kernel", 0}}}};

}  // namespace ocirt::test
