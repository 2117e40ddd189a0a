#pragma once
// The Process an `exec` runs: the bundle's process.* with the flags applied (as runc), or --process FILE;
// validated by the same schema and rules as config.json.
#include <string>

#include "runtime/exec.hpp"
#include "spec/config.hpp"

namespace ocirt::runtime {

// Errors name the JSON pointer: inside the --process file ("/args"), or in config.json ("/process/args").
spec::Process exec_process_spec(const ExecRequest& request, const std::string& bundle);

}  // namespace ocirt::runtime
