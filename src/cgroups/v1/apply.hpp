#pragma once
// Carries out the v1 FileWrites of one group in one cgroup directory: the fallback file where the first one
// is missing, optional companions left out, EINVAL retried after a later file, values read back. The
// files are reached through V1Files so that tests can play the kernel, refusals included.
#include <functional>
#include <string>
#include <vector>

#include "cgroups/resource_writes.hpp"

namespace ocirt::cgroups {

struct V1Files {
    std::function<bool(const std::string& path)> exists;
    std::function<void(const std::string& path, const std::string& value)> write;  // throws Error with errno
    std::function<std::string(const std::string& path)> read;

    static V1Files kernel();  // access(2), write_text, read_text
};

// Every write of `group` in `writes`, in order; a failure is an Error naming the write's JSON pointer,
// the file and the errno.
void write_v1_group(const std::string& directory, const std::vector<FileWrite>& writes, Group group,
                    const V1Files& files = V1Files::kernel());

}  // namespace ocirt::cgroups
