#include "cgroups/hierarchy.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "cgroups/file_io.hpp"
#include "util/error.hpp"

namespace ocirt::cgroups {
namespace {

std::vector<std::string> split(std::string_view text, char sep) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (;;) {
        size_t pos = text.find(sep, start);
        parts.emplace_back(text.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return parts;
}

// proc(5): mount points in mountinfo escape space, tab, newline and backslash as \ooo octal.
std::string unescape_octal(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isdigit(static_cast<unsigned char>(s[i + 2])) && std::isdigit(static_cast<unsigned char>(s[i + 3]))) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

// Super options of a v1 cgroup mount that are not controllers (cgroups(7) "Mounting v1 controllers").
bool is_mount_flag(const std::string& option) {
    static const std::set<std::string> flags = {"rw", "ro", "noprefix", "clone_children", "xattr",
                                                "cpuset_v2_mode", "all", "none", "favordynmods"};
    return flags.count(option) != 0 || option.rfind("release_agent=", 0) == 0;
}

bool under_root(const std::string& mount_point, const std::string& root) {
    if (root.empty() || root == "/") return true;
    return mount_point == root || (mount_point.size() > root.size() && mount_point.compare(0, root.size(), root) == 0 &&
                                   mount_point[root.size()] == '/');
}

std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

std::string HierarchyMount::key() const {
    if (unified) return "unified";
    std::string k;
    for (const auto& c : controllers) {
        if (!k.empty()) k.push_back(',');
        k.append(c);
    }
    return k;
}

HierarchyMount HierarchyMount::from_key(const std::string& key, const std::string& mount_point) {
    HierarchyMount m;
    m.mount_point = mount_point;
    m.unified = key == "unified";
    if (!m.unified) m.controllers = split(key, ',');
    return m;
}

bool HierarchyMount::has_controller(std::string_view name) const {
    return std::find(controllers.begin(), controllers.end(), name) != controllers.end();
}

Hierarchy Hierarchy::detect(const std::string& root, const std::string& mountinfo_path,
                            const std::string& self_cgroup_path) {
    return parse(read_text(mountinfo_path), read_text(self_cgroup_path), root);
}

Hierarchy Hierarchy::parse(std::string_view mountinfo, std::string_view self_cgroup, const std::string& root) {
    Hierarchy h;
    std::string normalized_root = root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root;
    for (const auto& line : split(mountinfo, '\n')) {
        // proc(5): mountinfo's fields are separated by single spaces (a space inside one is escaped).
        std::vector<std::string> fields = split(line, ' ');
        std::erase(fields, std::string());
        auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || dash == fields.end() || std::distance(dash, fields.end()) < 4) continue;
        const std::string& fstype = *(dash + 1);
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        HierarchyMount m;
        m.mount_point = unescape_octal(fields[4]);
        if (!under_root(m.mount_point, normalized_root)) continue;
        if (fstype == "cgroup2") {
            m.unified = true;
            if (!h.unified_) h.unified_ = m;
            continue;
        }
        for (const auto& option : split(*(dash + 3), ','))
            if (!option.empty() && !is_mount_flag(option)) m.controllers.push_back(option);
        if (m.controllers.empty()) continue;
        bool seen = std::any_of(h.v1_.begin(), h.v1_.end(),
                                [&](const HierarchyMount& o) { return sorted(o.controllers) == sorted(m.controllers); });
        if (!seen) h.v1_.push_back(std::move(m));
    }
    // cgroups(7) "/proc/[pid]/cgroup": hierarchy-ID:controller-list:cgroup-path; "0::path" is cgroup2.
    for (const auto& line : split(self_cgroup, '\n')) {
        auto first = line.find(':');
        auto second = first == std::string::npos ? std::string::npos : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = second + 1 < line.size() ? line.substr(second + 1) : std::string(1, '/');
        if (controllers.empty()) {
            if (line.compare(0, first, "0") == 0 && h.unified_) h.unified_->own_cgroup = path;
            continue;
        }
        auto wanted = sorted(split(controllers, ','));
        for (auto& m : h.v1_)
            if (sorted(m.controllers) == wanted) m.own_cgroup = path;
    }
    return h;
}

Hierarchy::Mode Hierarchy::mode() const {
    if (!v1_.empty()) return unified_ ? Mode::hybrid : Mode::v1;
    return unified_ ? Mode::v2 : Mode::none;
}

std::vector<HierarchyMount> Hierarchy::all() const {
    std::vector<HierarchyMount> out = v1_;
    if (unified_) out.push_back(*unified_);
    return out;
}

const HierarchyMount* Hierarchy::v1_with(std::string_view controller) const {
    for (const auto& m : v1_)
        if (m.has_controller(controller)) return &m;
    return nullptr;
}

std::string clean_cgroup_path(const std::string& path) {
    std::vector<std::string> parts;
    for (const auto& part : split(path, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(part);
    }
    std::string out;
    for (const auto& p : parts) out += "/" + p;
    return out.empty() ? "/" : out;
}

}  // namespace ocirt::cgroups
