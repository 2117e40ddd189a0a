#pragma once
// Helpers of the config-linux.md and runtime-linux.md cases: a created container whose cgroups and
// namespaces are read from the host through its pid, and a runtime launched with extra open fds.
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "conformance.hpp"

namespace ocirt::conformance {

// `create` of a bundle (whose config the caller has written); the Runtime's destructor deletes it.
struct CreatedContainer {
    CreatedContainer(const Runtime& runtime, const SpecBundle& bundle);
    std::string id;
    test::Result result;  // of create
    int pid = 0;          // from `state`, 0 when create failed
};

// The runtime's own namespace of `type` ("net", "user"...): the target of /proc/self/ns/<type>, e.g. "net:[4026531840]".
std::string host_namespace(const std::string& type);

// /proc/PID/cgroup as controller -> path ("memory" -> "/x"; the cgroup2 line is under "").
std::map<std::string, std::string> cgroups_of(int pid);

// The text of /sys/fs/cgroup/<controller><path>/<file> without its trailing newline, or "" if unreadable.
std::string cgroup_value(const std::string& controller, const std::string& path, const std::string& file);

// The cgroup2 hierarchy's mount point: /sys/fs/cgroup on a cgroup v2 host, /sys/fs/cgroup/unified on a
// hybrid one (v1 controllers beside it), "" when there is none.
std::string cgroup2_mount();

// True on a cgroup v2 host: /sys/fs/cgroup is the cgroup2 hierarchy, and there is no v1 one.
bool cgroup_v2_host();

// Where a v1 controller's files are on this host: its own v1 hierarchy (/sys/fs/cgroup/<controller>), or,
// when no v1 hierarchy has it, the cgroup2 hierarchy if its root lists the controller's cgroup v2 name
// ("blkio" is "io" there). mount_point is "" when neither has it.
struct ControllerHierarchy {
    std::string mount_point;
    bool v2 = false;
};
ControllerHierarchy hierarchy_of(const std::string& controller);

// One controller's cgroup of a process, read from the host: the directory of its files and what they hold.
struct ControllerCgroup {
    std::string cgroup;     // its path in the hierarchy, as /proc/PID/cgroup shows it
    std::string directory;  // mount point + cgroup, "" when no hierarchy has the controller
    bool v2 = false;
    // The text of <directory>/<file> without its trailing newlines, or "" if unreadable.
    std::string value(const std::string& file) const;
};
ControllerCgroup controller_cgroup(int pid, const std::string& controller);

// The directory an absolute cgroupsPath names in the hierarchy that has `controller` ("" if none has it); with
// the systemd driver (OCIRT_TEST_CGROUP_DRIVER=systemd), the directory of the scope the path was rewritten to.
std::string cgroup_directory(const std::string& controller, const std::string& cgroups_path);

// A block device of this host that the kernel lists in /sys/block (a loop device or a disk; the first by
// name), to name in blockIO and device rules; rdev 0 when there is none. `scheduler` (e.g. "bfq"), when
// given, is the I/O scheduler the device must be using.
struct BlockDevice {
    std::string name;  // "loop0", "vda"
    dev_t rdev = 0;
    std::string numbers() const;  // "MAJOR:MINOR"
};
BlockDevice block_device(const std::string& scheduler = "");

// A `cgroupsPath` that no other run uses ("/" + a unique id). On destruction it removes what a runtime
// left of it in each hierarchy (a peer's failed create may leave its empty cgroups behind).
class UniqueCgroupsPath {
public:
    UniqueCgroupsPath();
    ~UniqueCgroupsPath();
    UniqueCgroupsPath(const UniqueCgroupsPath&) = delete;
    UniqueCgroupsPath& operator=(const UniqueCgroupsPath&) = delete;
    const std::string path;
};

// Runs argv (a runtime command line) like Runtime::to_files, with fds 3..3+extra_fds-1 open on /dev/null
// and inherited (not close-on-exec), as a caller that passes fds to a container would have them.
test::Result run_with_open_fds(const std::vector<std::string>& argv, int extra_fds, const std::string& output_dir);

}  // namespace ocirt::conformance
