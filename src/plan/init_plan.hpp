#pragma once
// What the container's init will do, in order, computed from the Config before fork. Pure data: the
// child executes it and parses no JSON; unit tests check it without root.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "linux/idmap.hpp"
#include "linux/scheduling.hpp"
#include "plan/hook_plan.hpp"
#include "plan/memory_policy.hpp"
#include "plan/process_attributes.hpp"
#include "plan/seccomp_plan.hpp"
#include "config/config.hpp"

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
    // With bind_host_cgroups: the host directory of the container's cgroup in this hierarchy, which the
    // "cgroup" mount binds. Set by create once it knows where the cgroup is (runtime/host_facts.hpp).
    std::string container_directory;
};

// Facts about the host that the plan depends on, read by the parent before planning.
struct HostFacts {
    std::vector<CgroupHierarchy> cgroup_hierarchies;  // v1 hierarchies, then the cgroup2 mount if any
    bool cgroup2_only = false;                        // a pure cgroup v2 host: "cgroup" means cgroup2
    SecurityFacts security;
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
    uint64_t recursive_attr_set = 0;    // MOUNT_ATTR_* set on the whole tree by mount_setattr(2), 0 when none
    uint64_t recursive_attr_clear = 0;  // MOUNT_ATTR_* cleared on the whole tree
    bool idmap = false;                 // an idmapped bind (idmap, ridmap)
    bool idmap_recursive = false;       // ridmap
    bool copy_up = false;               // tmpcopyup on a tmpfs: filled with what the covered directory holds
    std::vector<linux_::IdRange> uid_mappings;  // the idmap's own maps; empty: the container's user namespace
    std::vector<linux_::IdRange> gid_mappings;
};

// A node from linux.devices (config-linux.md "Devices"), made by mknod(2) under the container's root.
struct DeviceNode {
    std::string path;   // absolute, inside the container
    mode_t type = 0;    // S_IFCHR, S_IFBLK or S_IFIFO
    dev_t number = 0;   // makedev(major, minor); 0 for a fifo
    mode_t mode = 0666;
    uid_t uid = 0;
    gid_t gid = 0;
    // With a new user namespace: uid and gid as the host sees them (through the id maps). The first child
    // makes the node in the initial user namespace, where mknod(2) and chown(2) to these ids are allowed.
    uid_t host_uid = 0;
    gid_t host_gid = 0;
};

// A device of linux.netDevices (config-linux.md "Network Devices"): the parent moves it from its own network
// namespace into the container's once that exists (runtime/net_devices.hpp).
struct NetDevice {
    std::string host_name;   // the key: the device in the runtime's network namespace
    std::string name;        // its name in the container: linux.netDevices[key].name, else the key
    bool pattern = false;    // `name` holds "%d": the kernel picks the number (a name in use is then no error)
    std::string pointer;     // "/linux/netDevices/<key>"
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
    std::string pointer;  // "/process/rlimits/0", named when the kernel refuses it
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
    bool terminal = false;         // a pty on stdio, its master sent over the console socket
    uint16_t console_rows = 0;     // process.consoleSize; 0 when not set
    uint16_t console_columns = 0;
    CapabilitySets capabilities;  // process.capabilities absent: every set empty, as runc does
    std::optional<linux_::Scheduler> scheduler;     // process.scheduler
    std::optional<linux_::IoPriority> io_priority;  // process.ioPriority
    ExecCpuAffinity exec_cpu_affinity;
    std::string apparmor_profile;  // "" when none; set only on a host with AppArmor
    // Annotation run.oci.keep_original_groups (podman's --group-add keep-groups, crun's extension): no
    // setgroups(2), the process keeps the supplementary groups of whoever started the runtime.
    bool keep_original_groups = false;
    // sd_listen_fds(3): LISTEN_PID in env is replaced by the process's own pid (as it sees it) before execve.
    bool listen_pid_self = false;
};

// keyrings(7): the session keyring the process joins by name (KEYCTL_JOIN_SESSION_KEYRING).
struct SessionKeyring {
    std::string name;
    uint32_t add_permissions = 0;  // KEY_*_SEARCH bits added once joined (keyctl(2) KEYCTL_SETPERM); 0: none
};

struct Options {
    std::string bundle;  // absolute: relative bind sources resolve against it
    bool no_pivot = false;
    int preserve_fds = 0;
    bool rootless_euid = false;  // the parent's effective uid is not 0 (user_namespaces(7) map limits)
    // The container's ID, for its session keyring; "" keeps the caller's session keyring (--no-new-keyring).
    std::string session_keyring_of = {};
};

struct InitPlan {
    std::vector<NamespaceJoin> joins;  // setns(2) in this order (a user namespace first)
    int unshare_flags = 0;             // CLONE_NEW* made by unshare(2) in the first child (no cgroup)
    bool new_user_namespace = false;
    linux_::IdMaps id_maps;             // written by the parent between UsernsReady and MapsWritten
    bool new_cgroup_namespace = false;  // unshared by the init once it is in its cgroup
    // No cgroup namespace: a "cgroup" mount binds each hierarchy's container_directory, the container's own
    // cgroup (a user namespace in the host's cgroup namespace may not even mount a cgroup filesystem).
    bool bind_host_cgroups = false;
    bool second_fork = false;           // a PID namespace is made or joined: the init is a second child
    // Nothing to join, no user or time namespace: the parent's clone(2) makes unshare_flags' namespaces and
    // the child is the init (no unshare, no second fork).
    bool namespaces_at_clone = false;
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
    std::vector<DeviceNode> devices;  // linux.devices, made after the default devices
    std::vector<std::string> masked_paths;
    std::vector<std::string> readonly_paths;
    bool no_pivot = false;

    // Moved in after the namespaces are made and before the hostname, the sysctls (a net.ipv4.conf.<device>
    // key needs the device), the mounts and the createRuntime hooks: NetDevicesPlease → NetDevicesMoved.
    std::vector<NetDevice> net_devices;
    std::vector<Sysctl> sysctls;                 // written in this order
    std::optional<unsigned long> personality;    // personality(2) persona, from linux.personality
    std::optional<MemoryPolicy> memory_policy;   // linux.memoryPolicy, for the init and each exec'd process

    ProcessPlan process;
    std::optional<SessionKeyring> session_keyring;  // none: the caller's session keyring is kept (--no-new-keyring)
    int preserve_fds = 0;
    std::optional<SeccompPlan> seccomp;
    HookPlan hooks;
};

// Throws Error (with the JSON pointer) for what the config asks that this runtime cannot plan.
InitPlan make_init_plan(const config::Config& config, const HostFacts& host, const Options& options);

// The process part alone, for the init and for `exec`; pointers are under /process. `host` says which
// security modules process.apparmorProfile and process.selinuxLabel may use.
// config.process with what else in the config bears on it: ociVersion (unknown capability names) and
// annotations (run.oci.keep_original_groups).
ProcessPlan make_process_plan(const config::Config& config, const SecurityFacts& host);

// The session keyring runc gives a container's processes: "_ses.<id>". The init makes it searchable by the
// container's uid, or by anyone with a user namespace (where the container's uids are others to the
// keyring's owner); an exec'd process joins it as it is (add_permissions 0).
SessionKeyring container_session_keyring(const std::string& id, bool made_by_init, bool user_namespace = false);

}  // namespace ocirt::plan
