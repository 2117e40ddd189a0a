#include "runtime/console_socket.hpp"

#include "linux/terminal.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {

UniqueFd console_socket_for(bool terminal, bool detached, const std::string& console_socket) {
    if (terminal && detached && console_socket.empty())
        throw Error("a terminal for a detached process needs --console-socket", 0, "/process/terminal");
    if (!console_socket.empty() && !terminal)
        throw Error("--console-socket is only used when process.terminal is true", 0, "/process/terminal");
    if (!terminal) return {};
    if (console_socket.empty())
        throw Error("a terminal without --console-socket is not supported in the foreground yet", 0, "/process/terminal");
    return linux_::connect_console_socket(console_socket);
}

}  // namespace ocirt::runtime
