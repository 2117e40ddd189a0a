#include "util/id_list.hpp"

#include <algorithm>
#include <charconv>

#include "util/error.hpp"

namespace ocirt {
namespace {

bool id_list_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

std::string_view id_list_trim(std::string_view s) {
    while (!s.empty() && id_list_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && id_list_blank(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace

std::vector<int> parse_id_list(const std::string& text, const std::string& pointer, std::string_view what, int max) {
    auto bad = [&](const std::string& why) {
        return ConfigError(pointer, "is not a " + std::string(what) + " list such as \"0-3,7\": " + quoted(text) + why);
    };
    auto number = [&](std::string_view s) {
        int value = -1;
        auto [next, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (s.empty() || ec != std::errc() || next != s.data() + s.size()) throw bad("");
        if (value < 0 || value > max) throw bad(" (" + std::string(what) + " numbers go up to " + std::to_string(max) + ")");
        return value;
    };
    std::vector<int> ids;
    std::string_view rest = text;
    bool any = false;
    while (true) {
        size_t comma = rest.find(',');
        std::string_view item = id_list_trim(rest.substr(0, comma));
        if (!item.empty()) {
            any = true;
            size_t dash = item.find('-');
            int first = number(item.substr(0, dash));
            int last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
            if (last < first) throw bad(" (a range runs backwards)");
            for (int id = first; id <= last; ++id) ids.push_back(id);
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (!any && !text.empty()) throw bad("");
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

}  // namespace ocirt
