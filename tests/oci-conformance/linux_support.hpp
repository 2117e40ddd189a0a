#pragma once
// Helpers of the config-linux.md and runtime-linux.md cases: a created container whose cgroups and
// namespaces are read from the host through its pid, and a runtime launched with extra open fds.
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
