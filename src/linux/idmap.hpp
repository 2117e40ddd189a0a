#pragma once
// A user namespace's id maps (user_namespaces(7)): the text of /proc/PID/uid_map and gid_map, and the
// parent's writes of setgroups, uid_map and gid_map for its child.
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ocirt::linux_ {

struct IdRange {
    uint32_t container_id = 0;  // first id inside the namespace
    uint32_t host_id = 0;       // first id in the parent namespace
    uint32_t size = 0;
};

// "0 100000 65536\n" per range: the whole map goes to the kernel in one write(2).
std::string id_map_text(const std::vector<IdRange>& ranges);

struct IdMaps {
    std::vector<IdRange> uid;
    std::vector<IdRange> gid;
    bool deny_setgroups = false;  // write "deny" to /proc/PID/setgroups before gid_map
};

// Writes /proc/<pid>/{setgroups,uid_map,gid_map}. A map the kernel refuses throws an Error whose message
// names /linux/uidMappings or /linux/gidMappings and whose json_pointer() is that pointer.
void write_id_maps(pid_t pid, const IdMaps& maps);

}  // namespace ocirt::linux_
