#include "util/duration.hpp"

#include <cctype>
#include <cmath>
#include <string_view>
#include <utility>

#include "util/error.hpp"

namespace ocirt {

std::chrono::nanoseconds parse_duration(const std::string& text) {
    static const std::pair<std::string_view, double> kUnits[] = {
        {"ns", 1.0}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9},
    };
    auto invalid = [&] {
        return Error("invalid duration " + ocirt::quoted(text) + " (e.g. \"5s\", \"250ms\", \"1m30s\")");
    };
    std::string_view rest = text;
    if (rest.empty()) throw invalid();
    double total = 0;
    while (!rest.empty()) {
        size_t digits = 0;
        while (digits < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[digits])) || rest[digits] == '.'))
            ++digits;
        if (digits == 0) throw invalid();
        std::string number(rest.substr(0, digits));
        if (number == "." || number.find('.') != number.rfind('.')) throw invalid();
        rest.remove_prefix(digits);
        double scale = 0;
        size_t unit_length = 0;
        for (const auto& [unit, factor] : kUnits)
            if (rest.substr(0, unit.size()) == unit && unit.size() > unit_length) {
                scale = factor;
                unit_length = unit.size();
            }
        if (unit_length == 0) throw invalid();
        rest.remove_prefix(unit_length);
        total += std::stod(number) * scale;
    }
    if (!std::isfinite(total) || total > 9.2e18) throw invalid();
    return std::chrono::nanoseconds(static_cast<int64_t>(std::llround(total)));
}

}  // namespace ocirt
