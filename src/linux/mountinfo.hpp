#pragma once
// /proc/self/mountinfo (proc(5)): one entry per mount, as this mount namespace sees it.
#include <string>
#include <vector>

namespace ocirt::linux_ {

struct MountInfo {
    std::string mount_point;    // field 5, with octal escapes (\040) decoded
    std::string mount_options;  // field 6: per-mount options
    std::string optional;       // "shared:1 master:2", possibly empty
    std::string fstype;
    std::string source;
    std::string super_options;
};

std::vector<MountInfo> parse_mountinfo(const std::string& text);
std::vector<MountInfo> read_mountinfo(const std::string& path = "/proc/self/mountinfo");
// The mount point `path` sits on (longest mount point that is a prefix of it).
std::string mount_point_of(const std::vector<MountInfo>& mounts, const std::string& path);

}  // namespace ocirt::linux_
