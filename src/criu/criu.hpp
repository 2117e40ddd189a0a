#pragma once
// CRIU (criu(8)) over its RPC: `criu swrk FD` serves requests on a SOCK_SEQPACKET socket, one protobuf
// message of the rpc.proto Debian's criu package ships per datagram. Debian packages no libcriu, and the RPC
// is what that library would speak anyway. This folder knows CRIU, not containers: runtime/ fills Options.
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocirt::criu {

// criu(8) --manage-cgroups=MODE.
enum class CgroupMode { ignore, soft, full, strict };
std::optional<CgroupMode> cgroup_mode_named(std::string_view name);

// criu(8) --ext-mount-map KEY:VALUE: a mount whose source is outside the dumped tree. At dump the key names
// it (the container's path); at restore the value is what to bind there.
struct ExternalMount {
    std::string key;
    std::string value;
};
// criu(8) --inherit-fd fd[N]:KEY: a file the dumped tree had open (KEY as /proc/PID/fd showed it, e.g.
// "pipe:[1234]") is given this descriptor of ours at restore.
struct InheritedFd {
    std::string key;
    int fd;  // ours: criu is given a copy
};
// criu(8) --cgroup-root [CONTROLLER:]PATH: where the restored tasks go in a hierarchy ("" = every other one).
struct CgroupRoot {
    std::string controller;
    std::string path;
};

struct Options {
    int images_dir_fd = -1;  // ours: criu opens it through /proc/<our pid>/fd
    int work_dir_fd = -1;    // ours, the same way; -1: the images directory
    std::string work_dir;    // its path, for messages
    std::string log_file;    // in the work directory
    pid_t pid = 0;           // dump: the tree's root
    std::string root;        // the tree's root directory
    std::string parent_image;  // relative to the images directory: the pre-dump this dump builds on
    bool leave_running = false;
    bool tcp_established = false;
    bool ext_unix_sk = false;
    bool shell_job = false;
    bool file_locks = false;
    bool track_mem = false;
    bool rst_sibling = false;  // restore: the tree's root becomes our child, not criu's
    // A pty slave whose master is outside the tree is dumped as such; at restore criu makes a new pty and
    // sends its master in an "orphan-pts-master" notification (rpc.proto orphan_pts_master).
    bool orphan_pts_master = false;
    std::optional<CgroupMode> cgroup_mode;
    unsigned empty_namespaces = 0;  // CLONE_NEW* flags: namespaces criu makes empty at restore
    std::vector<ExternalMount> external_mounts;
    std::vector<std::string> external;  // criu(8) --external, e.g. "net[4026531840]:extRootNetNS"
    std::vector<InheritedFd> inherited_fds;
    std::vector<CgroupRoot> cgroup_roots;
    std::string freeze_cgroup;  // a cgroup directory whose freezer stops the tree during the dump
    std::string lsm_profile;
    std::string lsm_mount_context;
};

enum class Action { dump, pre_dump, restore };

// criu(8) "action scripts": a notification ("setup-namespaces", "post-restore", ...) with the pid it names,
// or the descriptor it carries ("orphan-pts-master"), ours during the call and closed after it.
struct Notification {
    std::string_view script;
    pid_t pid = 0;
    int fd = -1;
};
// An Error thrown here fails the request, and the Error is what the request throws.
using Notify = std::function<void(const Notification&)>;

struct Result {
    pid_t restored_pid = 0;  // restore: the tree's root
};

// Runs one request on a new `criu swrk` found as `criu_path` (a bare name is looked up in PATH).
// `started` gets criu's pid before the request is sent (restore puts criu in the container's cgroup, so
// the tree it forks starts there). A failed request throws an Error with CRIU's reason and the error lines of
// its log.
Result run(const std::string& criu_path, Action action, const Options& options, const Notify& notify = {},
           const std::function<void(pid_t criu_pid)>& started = {});

}  // namespace ocirt::criu
