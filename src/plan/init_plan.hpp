#pragma once
// What the container's init will do, in order, computed from the Config before fork. Pure data: the
// child executes it and parses no JSON; unit tests check it without root.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/hook_plan.hpp"
#include "spec/config.hpp"

namespace ocirt::plan {

struct NamespaceJoin {
    std::string type;  // "network", ...
    int clone_flag = 0;
    std::string path;
};

// A cgroup hierarchy of the host, as a "cgroup" mount shows it inside the container.
struct CgroupHierarchy {
    std::string name;     // directory under the mount: "cpu,cpuacct", "systemd", "unified"
    std::string options;  // superblock options for mount(2): "cpu,cpuacct", "name=systemd"; "" for cgroup2
    bool v2 = false;
};

// Facts about the host that the plan depends on, read by the parent before planning.
struct HostFacts {
    std::vector<CgroupHierarchy> cgroup_hierarchies;  // v1 hierarchies, then the cgroup2 mount if any
    bool cgroup2_only = false;                        // a pure cgroup v2 host: "cgroup" means cgroup2
};

struct MountStep {
    enum class Kind { filesystem, bind, cgroup };
    Kind kind = Kind::filesystem;
    std::string source;       // absolute host path for binds; the device/dummy name otherwise
    std::string destination;  // absolute, inside the container
    std::string type;         // filesystem type ("" for binds)
    unsigned long flags = 0;  // MS_* given to mount(2), without MS_BIND/MS_REC for binds
    unsigned long propagation = 0;  // MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (| MS_REC), 0 when none
    bool recursive = false;         // rbind
    std::string data;               // filesystem-specific options, comma-separated
};

struct TimeOffset {
    std::string clock;  // "monotonic" or "boottime" (time_namespaces(7))
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct Rlimit {
    std::string name;  // "RLIMIT_NOFILE"
    int resource = 0;
    uint64_t soft = 0;
    uint64_t hard = 0;
};

struct ProcessPlan {
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd = "/";
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> additional_gids;
    mode_t umask = 022;
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::optional<int> oom_score_adj;
};

struct Options {
    std::string bundle;  // absolute: relative bind sources resolve against it
    bool no_pivot = false;
    int preserve_fds = 0;
};

struct InitPlan {
    std::vector<NamespaceJoin> joins;  // setns(2) in this order (a user namespace first)
    int unshare_flags = 0;             // CLONE_NEW* made by unshare(2) in the first child (no cgroup)
    bool new_user_namespace = false;
    bool new_cgroup_namespace = false;  // unshared by the init once it is in its cgroup
    bool second_fork = false;           // a PID namespace is made or joined: the init is a second child
    bool has_mount_namespace = false;
    std::vector<TimeOffset> time_offsets;  // written to /proc/self/timens_offsets after unshare

    std::optional<std::string> hostname;
    std::optional<std::string> domainname;

    std::string rootfs;  // absolute host path
    unsigned long root_propagation = 0;            // applied to "/" before the mounts
    unsigned long root_propagation_after_pivot = 0;  // the config's rootfsPropagation, 0 when not set
    bool readonly_root = false;
    std::vector<MountStep> mounts;
    std::vector<CgroupHierarchy> cgroup_hierarchies;
    bool setup_dev = true;  // /dev is not bound from the host: make the default devices and links
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    bool no_pivot = false;

    ProcessPlan process;
    int preserve_fds = 0;
    HookPlan hooks;
};

// Throws Error (with the JSON pointer) for what the config asks that this runtime cannot plan.
InitPlan make_init_plan(const spec::Config& config, const HostFacts& host, const Options& options);

}  // namespace ocirt::plan
