#pragma once
// Text → JSON with nlohmann; a syntax error becomes a Diagnostic that names the line and column.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "config/diagnostic.hpp"

namespace ocirt::config {

struct ParsedJson {
    std::optional<nlohmann::json> doc;
    std::optional<Diagnostic> error;  // rule "syntax", pointer ""
    int line = 0;                     // 1-based position of the error, 0 when parsed
    int column = 0;
};

ParsedJson parse_json(const std::string& text);

}  // namespace ocirt::config
