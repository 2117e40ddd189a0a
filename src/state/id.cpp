#include <algorithm>

#include "state/store.hpp"
#include "util/error.hpp"

namespace ocirt::state {

bool id_character_allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '.' ||
           c == '-';
}

void validate_id(const std::string& id) {
    if (id.empty()) throw Error("invalid container ID \"\": must not be empty");
    if (id.size() > 1024) throw Error("invalid container ID: longer than 1024 characters");
    if (id == "." || id == "..") throw Error("invalid container ID " + quoted(id) + ": must not be \".\" or \"..\"");
    if (!std::all_of(id.begin(), id.end(), id_character_allowed))
        throw Error("invalid container ID " + quoted(id) + ": only letters, digits and _ + . - are allowed");
}

}  // namespace ocirt::state
