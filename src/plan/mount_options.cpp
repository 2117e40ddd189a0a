#include "plan/mount_options.hpp"

#include <sys/mount.h>

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
    };
    return table;
}

}  // namespace

unsigned long propagation_flags(const std::string& name) {
    static const std::map<std::string, unsigned long> table = {
        {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
        {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
        {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
    };
    auto it = table.find(name);
    return it == table.end() ? 0 : it->second;
}

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options) {
    ParsedMountOptions parsed;
    for (const auto& option : options) {
        if (option == "bind" || option == "rbind") {
            parsed.bind = true;
            parsed.recursive = parsed.recursive || option == "rbind";
            continue;
        }
        if (unsigned long p = propagation_flags(option)) {
            parsed.propagation = p;
            continue;
        }
        auto it = flag_table().find(option);
        if (it != flag_table().end()) {
            if (it->second.clear)
                parsed.flags &= ~it->second.flag;
            else
                parsed.flags |= it->second.flag;
            continue;
        }
        if (!parsed.data.empty()) parsed.data += ',';
        parsed.data += option;
    }
    if (parsed.bind) parsed.flags |= MS_BIND | (parsed.recursive ? MS_REC : 0);
    return parsed;
}

}  // namespace ocirt::plan
