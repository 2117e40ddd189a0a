#pragma once
// JSON text without the whitespace between tokens, made at compile time: nlohmann's parser reads the embedded
// schemas in half the time once the indentation is gone. Written by hand: no library minifies at compile time.
#include <cstddef>
#include <string_view>

namespace ocirt::config {

template <std::size_t N>
struct MinifiedJson {
    char text[N]{};
    std::size_t size = 0;
    constexpr std::string_view view() const { return {text, size}; }
};

// `json` must be valid JSON text; whitespace inside strings is kept.
template <std::size_t N>
consteval MinifiedJson<N> minified_json(const char (&json)[N]) {
    MinifiedJson<N> out;
    bool in_string = false;
    bool escaped = false;
    for (std::size_t i = 0; i + 1 < N; ++i) {
        char c = json[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            continue;
        } else if (c == '"') {
            in_string = true;
        }
        out.text[out.size++] = c;
    }
    return out;
}

}  // namespace ocirt::config
