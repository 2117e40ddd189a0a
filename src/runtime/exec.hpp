#pragma once
// `exec`: a new process inside a running container. It joins every namespace of the container's init
// (the user namespace first) and its root and cgroup, takes the process settings of the config (or of
// --process FILE) with the flags applied, and execs. In the foreground the result is the process's exit
// code (128+N for signal N); with -d the process is left to whoever called us to reap. A terminal in the
// foreground without --console-socket is proxied to our own stdio (runtime/tty_proxy.hpp).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ocirt::runtime {

struct ExecRequest {
    std::string root;  // --root
    std::string id;
    std::string process_file;        // --process: a runtime-spec Process JSON; the flags below then only add I/O
    std::vector<std::string> args;   // the command, when there is no --process
    bool detach = false;
    bool tty = false;
    std::string console_socket;
    std::string pid_file;
    std::optional<std::string> cwd;
    std::vector<std::string> env;               // KEY=VALUE, replacing the config's KEY
    std::optional<std::string> user;            // uid[:gid]
    std::vector<uint32_t> additional_gids;
    std::vector<std::string> capabilities;      // added to the bounding, effective and permitted sets
    bool no_new_privileges = false;
    int preserve_fds = 0;
};

int exec_process(const ExecRequest& request);

}  // namespace ocirt::runtime
