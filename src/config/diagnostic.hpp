#pragma once
#include <string>

namespace ocirt::config {

// One problem found in a config: where (JSON pointer), what (plain words) and which check found it.
struct Diagnostic {
    std::string pointer;  // JSON pointer, "" for the document itself
    std::string message;  // "must have at least 1 item"
    std::string rule;     // "schema: minItems", "syntax", "rule: absolute-mount-destination", ...
    // "config.json: /process/args: must have at least 1 item (schema: minItems)"
    std::string to_string() const;
    // "/process/args: must have at least 1 item (schema: minItems)"
    std::string describe() const;
};

}  // namespace ocirt::config
