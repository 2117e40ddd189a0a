#pragma once
// JSON pointers (RFC 6901) for diagnostics: "/process/args/0", with "~" → "~0" and "/" → "~1".
#include <cstddef>
#include <string>
#include <string_view>

namespace ocirt::config {

std::string pointer_escape(std::string_view token);
std::string pointer_join(const std::string& base, std::string_view token);
std::string pointer_join(const std::string& base, std::size_t index);

}  // namespace ocirt::config
