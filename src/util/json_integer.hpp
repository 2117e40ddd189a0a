#pragma once
// Integers read from JSON the runtime wrote itself (state.json), checked before conversion: nlohmann's get<T>
// converts a float such as 1e70 or an out-of-range value with undefined behaviour (found by fuzzing).
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

#include "util/error.hpp"

namespace ocirt {

template <class T>
T integer_at(const nlohmann::json& object, const char* key, T fallback) {
    auto it = object.find(key);
    if (it == object.end()) return fallback;
    bool fits = it->is_number_unsigned()  ? std::in_range<T>(it->template get<uint64_t>())
                : it->is_number_integer() ? std::in_range<T>(it->template get<int64_t>())
                                          : false;
    if (!fits) throw Error(std::string(key) + ": " + it->dump() + " is not an integer of its type's range");
    return static_cast<T>(it->is_number_unsigned() ? it->template get<uint64_t>()
                                                   : static_cast<uint64_t>(it->template get<int64_t>()));
}

}  // namespace ocirt
