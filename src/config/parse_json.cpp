#include "config/parse_json.hpp"

#include <algorithm>

namespace ocirt::config {
namespace {

// nlohmann's parse_error::byte is the 1-based index of the last byte read when the error was found.
std::pair<int, int> line_and_column(const std::string& text, std::size_t byte) {
    std::size_t end = std::min(byte > 0 ? byte - 1 : 0, text.size());
    int line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    }
    return {line, static_cast<int>(end - line_start) + 1};
}

// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax error ..." → "syntax error ...".
std::string plain_reason(const std::string& what) {
    auto pos = what.find(": ");
    return pos == std::string::npos ? what : what.substr(pos + 2);
}

}  // namespace

ParsedJson parse_json(const std::string& text) {
    ParsedJson result;
    try {
        result.doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        auto [line, column] = line_and_column(text, e.byte);
        result.line = line;
        result.column = column;
        result.error = Diagnostic{"", "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                                          plain_reason(e.what()),
                                  "syntax"};
    } catch (const nlohmann::json::exception& e) {
        // out_of_range 406, a number no double holds (1e999): nlohmann names no position (found by fuzzing).
        result.error = Diagnostic{"", plain_reason(e.what()), "syntax"};
    }
    return result;
}

}  // namespace ocirt::config
