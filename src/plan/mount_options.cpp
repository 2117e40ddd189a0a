#include "plan/mount_options.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <map>

namespace ocirt::plan {
namespace {

struct FlagEffect {
    bool clear;
    unsigned long flag;
};

// mount(8) "FILESYSTEM-INDEPENDENT MOUNT OPTIONS" and their MS_* flags in mount(2).
const std::map<std::string, FlagEffect>& flag_table() {
    static const std::map<std::string, FlagEffect> table = {
        {"ro", {false, MS_RDONLY}},          {"rw", {true, MS_RDONLY}},
        {"nosuid", {false, MS_NOSUID}},      {"suid", {true, MS_NOSUID}},
        {"nodev", {false, MS_NODEV}},        {"dev", {true, MS_NODEV}},
        {"noexec", {false, MS_NOEXEC}},      {"exec", {true, MS_NOEXEC}},
        {"sync", {false, MS_SYNCHRONOUS}},   {"async", {true, MS_SYNCHRONOUS}},
        {"dirsync", {false, MS_DIRSYNC}},    {"remount", {false, MS_REMOUNT}},
        {"mand", {false, MS_MANDLOCK}},      {"nomand", {true, MS_MANDLOCK}},
        {"atime", {true, MS_NOATIME}},       {"noatime", {false, MS_NOATIME}},
        {"diratime", {true, MS_NODIRATIME}}, {"nodiratime", {false, MS_NODIRATIME}},
        {"relatime", {false, MS_RELATIME}},  {"norelatime", {true, MS_RELATIME}},
        {"strictatime", {false, MS_STRICTATIME}}, {"nostrictatime", {true, MS_STRICTATIME}},
        {"lazytime", {false, MS_LAZYTIME}},  {"nolazytime", {true, MS_LAZYTIME}},
        {"silent", {false, MS_SILENT}},      {"loud", {true, MS_SILENT}},
        {"iversion", {false, MS_I_VERSION}}, {"noiversion", {true, MS_I_VERSION}},
        {"nosymfollow", {false, MS_NOSYMFOLLOW}}, {"symfollow", {true, MS_NOSYMFOLLOW}},
        {"defaults", {false, 0}},
    };
    return table;
}

struct AttrEffect {
    uint64_t set;
    uint64_t clear;
};

// config.md "Linux mount options": the r* options apply to the whole tree through mount_setattr(2)
// AT_RECURSIVE; the atime mode is one field (MOUNT_ATTR__ATIME) that is cleared before it is set, and
// turning a mode off means the kernel's default, relatime (mount(8) "norelatime", "nostrictatime").
const std::map<std::string, AttrEffect>& recursive_attr_table() {
    static const std::map<std::string, AttrEffect> table = {
        {"rro", {MOUNT_ATTR_RDONLY, 0}},
        {"rrw", {0, MOUNT_ATTR_RDONLY}},
        {"rnosuid", {MOUNT_ATTR_NOSUID, 0}},
        {"rsuid", {0, MOUNT_ATTR_NOSUID}},
        {"rnodev", {MOUNT_ATTR_NODEV, 0}},
        {"rdev", {0, MOUNT_ATTR_NODEV}},
        {"rnoexec", {MOUNT_ATTR_NOEXEC, 0}},
        {"rexec", {0, MOUNT_ATTR_NOEXEC}},
        {"rnodiratime", {MOUNT_ATTR_NODIRATIME, 0}},
        {"rdiratime", {0, MOUNT_ATTR_NODIRATIME}},
        {"rrelatime", {MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}},
        {"rnorelatime", {MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}},
        {"rnoatime", {MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME}},
        {"ratime", {MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}},
        {"rstrictatime", {MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME}},
        {"rnostrictatime", {MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME}},
        {"rnosymfollow", {MOUNT_ATTR_NOSYMFOLLOW, 0}},
        {"rsymfollow", {0, MOUNT_ATTR_NOSYMFOLLOW}},
    };
    return table;
}

void apply_recursive_attr(ParsedMountOptions& parsed, const AttrEffect& effect) {
    if (effect.clear == MOUNT_ATTR__ATIME) {
        parsed.recursive_attr_set = (parsed.recursive_attr_set & ~MOUNT_ATTR__ATIME) | effect.set;
        parsed.recursive_attr_clear |= MOUNT_ATTR__ATIME;
        return;
    }
    parsed.recursive_attr_set = (parsed.recursive_attr_set & ~effect.clear) | effect.set;
    parsed.recursive_attr_clear = (parsed.recursive_attr_clear & ~effect.set) | effect.clear;
}

const std::map<std::string, unsigned long>& propagation_table() {
    static const std::map<std::string, unsigned long> table = {
        {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
        {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
        {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    return table;
}

}  // namespace

unsigned long propagation_flags(const std::string& name) {
    auto it = propagation_table().find(name);
    return it == propagation_table().end() ? 0 : it->second;
}

// An option none of the tables knows is filesystem data, as runc passes it (e.g. "mode=755", "newinstance").
ParsedMountOptions parse_mount_options(const std::vector<std::string>& options) {
    ParsedMountOptions parsed;
    for (const auto& option : options) {
        if (option == "bind" || option == "rbind") {
            parsed.bind = true;
            parsed.recursive = parsed.recursive || option == "rbind";
            continue;
        }
        if (option == "idmap" || option == "ridmap") {
            parsed.idmap = true;
            parsed.idmap_recursive = parsed.idmap_recursive || option == "ridmap";
            continue;
        }
        if (option == "tmpcopyup") {
            parsed.copy_up = true;
            continue;
        }
        if (unsigned long p = propagation_flags(option)) {
            parsed.propagation = p;
            continue;
        }
        if (auto it = flag_table().find(option); it != flag_table().end()) {
            if (it->second.clear)
                parsed.flags &= ~it->second.flag;
            else
                parsed.flags |= it->second.flag;
            continue;
        }
        if (auto it = recursive_attr_table().find(option); it != recursive_attr_table().end()) {
            apply_recursive_attr(parsed, it->second);
            continue;
        }
        if (!parsed.data.empty()) parsed.data += ',';
        parsed.data += option;
    }
    if (parsed.bind) parsed.flags |= MS_BIND | (parsed.recursive ? MS_REC : 0);
    return parsed;
}

std::vector<std::string> known_mount_options() {
    std::vector<std::string> out = {"bind", "rbind", "idmap", "ridmap", "tmpcopyup"};  // handled first by parse_mount_options
    for (const auto& [name, flags] : propagation_table()) out.push_back(name);
    for (const auto& [name, effect] : flag_table()) out.push_back(name);
    for (const auto& [name, effect] : recursive_attr_table()) out.push_back(name);
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace ocirt::plan
