#include "util/ram_size.hpp"

#include <cctype>
#include <cmath>

#include "util/error.hpp"

namespace ocirt {

int64_t parse_ram_size(const std::string& text) {
    auto invalid = [&] {
        return Error("invalid size " + ocirt::quoted(text) + " (e.g. \"512m\", \"1g\", \"1048576\")");
    };
    size_t pos = 0;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
    std::string number = text.substr(0, pos);
    if (number.empty() || number.front() == '.' || number.back() == '.' || number.find("..") != std::string::npos)
        throw invalid();
    std::string unit = text.substr(pos);
    if (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    for (auto& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    double scale = 1;
    if (!unit.empty()) {
        static const std::string kPrefixes = "kmgtp";
        auto index = kPrefixes.find(unit.front());
        if (index != std::string::npos) {
            scale = std::pow(1024.0, static_cast<double>(index + 1));
            unit.erase(0, 1);
        }
        if (!unit.empty() && unit.front() == 'i' && scale > 1) unit.erase(0, 1);
        if (unit == "b") unit.clear();
        if (!unit.empty()) throw invalid();
    }
    // go-units reads the number as a float, several dots included ("1.2.3" is its 1.2); one dot here.
    if (number.find('.') != number.rfind('.')) throw invalid();
    double bytes = std::stod(number) * scale;
    if (!std::isfinite(bytes) || bytes >= 9.2233720368547758e18) throw invalid();
    return static_cast<int64_t>(bytes);
}

}  // namespace ocirt
