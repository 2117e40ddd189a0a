#include "config/json_pointer.hpp"

namespace ocirt::config {

std::string pointer_escape(std::string_view token) {
    std::string out;
    out.reserve(token.size());
    for (char c : token) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string pointer_join(const std::string& base, std::string_view token) { return base + "/" + pointer_escape(token); }

std::string pointer_join(const std::string& base, std::size_t index) { return base + "/" + std::to_string(index); }

}  // namespace ocirt::config
