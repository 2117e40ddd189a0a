#pragma once
#include <span>
#include <string_view>

namespace ocirt::config {

struct EmbeddedSchema {
    std::string_view name;  // file name under schemas/, e.g. "config-schema.json"
    std::string_view text;
};

// Every schemas/*.json, compiled in by tools/embed_schemas.cmake.
std::span<const EmbeddedSchema> embedded_schemas();

}  // namespace ocirt::config
