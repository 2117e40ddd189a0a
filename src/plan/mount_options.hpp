#pragma once
// mounts[].options → mount(2) flags, propagation and the data string (mount(8) option names).
#include <string>
#include <vector>

namespace ocirt::plan {

struct ParsedMountOptions {
    unsigned long flags = 0;        // MS_RDONLY, MS_NOSUID, ... (MS_BIND | MS_REC for bind/rbind)
    unsigned long propagation = 0;  // MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, with MS_REC for r*
    bool bind = false;
    bool recursive = false;  // rbind
    std::string data;        // everything else, comma-separated in the given order
};

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options);

// "private", "rslave", ... → MS_* flags; 0 when the name is unknown.
unsigned long propagation_flags(const std::string& name);

}  // namespace ocirt::plan
