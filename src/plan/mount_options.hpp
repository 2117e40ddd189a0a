#pragma once
// mounts[].options → mount(2) flags, propagation, mount_setattr(2) recursive attributes, idmap and the
// data string (config.md "Linux mount options", mount(8) option names).
#include <cstdint>
#include <string>
#include <vector>

namespace ocirt::plan {

struct ParsedMountOptions {
    unsigned long flags = 0;        // MS_RDONLY, MS_NOSUID, ... (MS_BIND | MS_REC for bind/rbind)
    unsigned long propagation = 0;  // MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, with MS_REC for r*; last wins
    uint64_t recursive_attr_set = 0;    // MOUNT_ATTR_* for the whole tree: rro, rnosuid, rnoatime, ...
    uint64_t recursive_attr_clear = 0;  // MOUNT_ATTR_* cleared for the whole tree: rrw, rsuid, ratime, ...
    bool bind = false;
    bool recursive = false;  // rbind
    bool idmap = false;      // idmap or ridmap
    bool idmap_recursive = false;  // ridmap: submounts are idmapped too
    bool copy_up = false;    // tmpcopyup (runc extension): a tmpfs starts with the contents of the directory it covers
    std::string data;        // everything else, comma-separated in the given order
};

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options);

// "private", "rslave", ... → MS_* flags; 0 when the name is unknown.
unsigned long propagation_flags(const std::string& name);

// Every option parse_mount_options takes as a flag, propagation, recursive attribute, bind or idmap
// (rather than passing it on as filesystem data), sorted.
std::vector<std::string> known_mount_options();

}  // namespace ocirt::plan
