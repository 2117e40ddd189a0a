#pragma once
// A config problem found while planning: the message starts with the JSON pointer, as spec diagnostics do.
#include <string>

#include "util/error.hpp"

namespace ocirt::plan {

inline Error config_error(const std::string& pointer, const std::string& message) {
    return Error(pointer + ": " + message, 0, pointer);
}

}  // namespace ocirt::plan
