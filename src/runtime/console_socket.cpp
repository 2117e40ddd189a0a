#include "runtime/console_socket.hpp"

#include "linux/unix_socket.hpp"
#include "util/error.hpp"

namespace ocirt::runtime {

UniqueFd console_socket_for(bool terminal, bool detached, const std::string& console_socket) {
    if (terminal && detached && console_socket.empty())
        throw ConfigError("/process/terminal", "a terminal for a detached process needs --console-socket");
    if (!console_socket.empty() && !terminal)
        throw ConfigError("/process/terminal", "--console-socket is only used when process.terminal is true");
    if (!terminal) return {};
    if (console_socket.empty())
        throw ConfigError("/process/terminal", "a terminal without --console-socket is not supported in the foreground yet");
    return with_context("console socket " + quoted(console_socket), [&] { return linux_::connect_unix_stream(console_socket); });
}

}  // namespace ocirt::runtime
