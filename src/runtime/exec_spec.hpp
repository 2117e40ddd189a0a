#pragma once
// The Process an `exec` runs: the bundle's process.* with the flags applied (as runc), or --process FILE;
// validated by the same schema and rules as config.json. The rest of the config comes along: exec also
// takes the container's linux.seccomp.
#include <string>

#include "runtime/exec.hpp"
#include "spec/config.hpp"

namespace ocirt::runtime {

// The bundle's config with its process replaced by the exec's (config.process is always set). Errors
// name the JSON pointer: inside the --process file ("/args"), or in config.json ("/process/args").
spec::Config exec_config(const ExecRequest& request, const std::string& bundle);

}  // namespace ocirt::runtime
