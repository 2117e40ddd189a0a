#pragma once
// A user namespace's id maps (user_namespaces(7)): the text of /proc/PID/uid_map and gid_map, and the
// parent's writes of setgroups, uid_map and gid_map for its child.
#include <sys/types.h>

#include <cstdint>
#include <optional>
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

// The ranges of a uid_map or gid_map text as the kernel shows it ("inside outside count" per line, padded);
// lines that are not three numbers are left out.
std::vector<IdRange> parse_id_map(const std::string& text);
// Whether `ranges` is the initial user namespace's map, "0 0 4294967295" (user_namespaces(7)): every id is
// its own. Any other map belongs to a user namespace made by someone.
bool is_initial_id_map(const std::vector<IdRange>& ranges);
// `id` of the namespace that `ranges` maps, as its parent namespace knows it; nullopt when it is unmapped.
std::optional<uint32_t> parent_id_of(uint32_t id, const std::vector<IdRange>& ranges);
// /proc/self/uid_map, parsed; empty when it cannot be read.
std::vector<IdRange> own_uid_map();

// Writes /proc/<pid>/{setgroups,uid_map,gid_map}. A map the kernel refuses throws an Error whose message
// names /linux/uidMappings or /linux/gidMappings and whose json_pointer() is that pointer.
void write_id_maps(pid_t pid, const IdMaps& maps);

}  // namespace ocirt::linux_
