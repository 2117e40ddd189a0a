#pragma once
// The Process an `exec` runs: the container's process.* with the flags applied (as runc), or --process FILE;
// validated by the same schema and rules as config.json. The rest of the config comes along: exec also
// takes the container's linux.seccomp. The container's config is the one create validated and kept in the
// state directory, never the bundle's config.json as it is now (runtime.md "Lifecycle" step 2: updates to
// config.json after create MUST NOT affect the container).
#include <string>

#include "runtime/exec.hpp"
#include "config/config.hpp"
#include "state/store.hpp"

namespace ocirt::runtime {

struct ConfigText {
    std::string text;
    std::string path;  // where it came from, for errors
};

// The config the container was created with: the copy create kept in the state directory; for a container
// made by an ocirt that kept none, the bundle's config.json as it is now (logged with --debug).
ConfigText created_config(const state::Container& container, const std::string& bundle);

// The container's config with its process replaced by the exec's (config.process is always set). Errors
// name the JSON pointer: inside the --process file ("/args"), or in config.json ("/process/args").
config::Config exec_config(const ExecRequest& request, const ConfigText& config, const std::string& bundle);

}  // namespace ocirt::runtime
