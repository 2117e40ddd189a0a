#include "linux/mountinfo.hpp"

#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace ocirt::linux_ {
namespace {

std::string unescape(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            int value = 0;
            bool octal = true;
            for (size_t k = 1; k <= 3; ++k) {
                char c = field[i + k];
                if (c < '0' || c > '7') octal = false;
                value = value * 8 + (c - '0');
            }
            if (octal) {
                out += static_cast<char>(value);
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

bool is_prefix_path(const std::string& prefix, const std::string& path) {
    if (prefix == "/") return true;
    return path.compare(0, prefix.size(), prefix) == 0 && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

std::vector<MountInfo> parse_mountinfo(const std::string& text) {
    std::vector<MountInfo> mounts;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> fields;
        std::string word;
        while (words >> word) fields.push_back(word);
        size_t dash = 0;
        for (size_t i = 6; i < fields.size(); ++i)
            if (fields[i] == "-") {
                dash = i;
                break;
            }
        if (dash == 0 || fields.size() < dash + 3) continue;
        MountInfo m;
        m.mount_point = unescape(fields[4]);
        m.mount_options = fields[5];
        for (size_t i = 6; i < dash; ++i) m.optional += (m.optional.empty() ? "" : " ") + fields[i];
        m.fstype = fields[dash + 1];
        m.source = unescape(fields[dash + 2]);
        m.super_options = dash + 3 < fields.size() ? fields[dash + 3] : "";
        mounts.push_back(std::move(m));
    }
    return mounts;
}

std::vector<MountInfo> read_mountinfo(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw SysError("open " + quoted(path));
    std::stringstream text;
    text << in.rdbuf();
    return parse_mountinfo(text.str());
}

std::string mount_point_of(const std::vector<MountInfo>& mounts, const std::string& path) {
    std::string best = "/";
    for (const auto& m : mounts)
        if (is_prefix_path(m.mount_point, path) && m.mount_point.size() > best.size()) best = m.mount_point;
    return best;
}

}  // namespace ocirt::linux_
