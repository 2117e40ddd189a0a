#pragma once
// `list`: every container under a state root with its derived status, as runc prints them.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/record.hpp"

namespace ocirt::runtime {

struct ListedContainer {
    state::Record record;
    state::Status status;
    std::string owner;  // the owner's user name, "#UID" when it has none (as runc)
};

// Containers still being created (no state.json yet) are left out.
std::vector<ListedContainer> list_containers(const std::string& root);

// runc's table: ID PID STATUS BUNDLE CREATED OWNER, columns padded like Go's tabwriter (min 12, padding 3).
std::string format_table(const std::vector<ListedContainer>& containers);
// A JSON array of states with the owner's name; runc prints null for no container.
std::string format_json(const std::vector<ListedContainer>& containers);
// One ID per line.
std::string format_quiet(const std::vector<ListedContainer>& containers);

}  // namespace ocirt::runtime
