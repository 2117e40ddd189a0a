#include "mount_helpers.hpp"

#include <sys/mount.h>

#include <sstream>
#include <stdexcept>

namespace ocirt::test {

std::vector<MountEntry> parse_mountinfo_text(const std::string& text) {
    std::vector<MountEntry> mounts;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::vector<std::string> f;
        std::string w;
        while (words >> w) f.push_back(w);
        size_t dash = 6;
        while (dash < f.size() && f[dash] != "-") ++dash;
        if (f.size() < 6 || dash + 3 > f.size()) continue;
        MountEntry m{f[4], f[5], "", f[dash + 1], dash + 3 < f.size() ? f[dash + 3] : ""};
        for (size_t i = 6; i < dash; ++i) m.optional += (m.optional.empty() ? "" : " ") + f[i];
        mounts.push_back(m);
    }
    return mounts;
}

const MountEntry* find_mount(const std::vector<MountEntry>& mounts, const std::string& mount_point) {
    const MountEntry* found = nullptr;
    for (const auto& m : mounts)
        if (m.mount_point == mount_point) found = &m;
    return found;
}

bool has_item(const std::string& comma_list, const std::string& item) {
    std::istringstream in(comma_list);
    std::string part;
    while (std::getline(in, part, ','))
        if (part == item) return true;
    return false;
}

std::string peer_group(const std::string& optional, const std::string& tag) {
    std::istringstream in(optional);
    std::string field;
    while (in >> field)
        if (field.rfind(tag + ":", 0) == 0) return field.substr(tag.size() + 1);
    return "";
}

SharedMount::SharedMount(const std::string& dir) : dir_(dir) {
    if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) < 0) throw std::runtime_error("bind " + dir);
    if (::mount(nullptr, dir.c_str(), nullptr, MS_SHARED, nullptr) < 0) {
        ::umount2(dir.c_str(), MNT_DETACH);
        throw std::runtime_error("make shared " + dir);
    }
}

SharedMount::~SharedMount() { ::umount2(dir_.c_str(), MNT_DETACH); }

std::vector<std::string> host_mount_points_containing(const std::string& needle) {
    std::vector<std::string> found;
    for (const auto& m : parse_mountinfo_text(read_file("/proc/self/mountinfo")))
        if (m.mount_point.find(needle) != std::string::npos) found.push_back(m.mount_point);
    return found;
}

}  // namespace ocirt::test
