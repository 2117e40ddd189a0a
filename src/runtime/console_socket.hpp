#pragma once
// Which process gets a terminal, and where its master goes: the --console-socket checks runc makes, and
// the connection made before fork so that the init only has to send on it.
#include <string>

#include "util/unique_fd.hpp"

namespace ocirt::runtime {

// A detached process (create, run -d, exec -d) with a terminal needs a console socket; a console socket
// without a terminal, or with a process we stay attached to, is refused. Returns the connected socket,
// or an empty fd when no terminal is asked for.
UniqueFd console_socket_for(bool terminal, bool detached, const std::string& console_socket);

}  // namespace ocirt::runtime
