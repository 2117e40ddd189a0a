#pragma once
// One protocol message: its type, a small JSON payload and the fds that travel with it.
#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sync/protocol.hpp"
#include "util/error.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

namespace ocirt::sync {

struct Message {
    MsgType type = MsgType::Ready;
    nlohmann::json payload;
    std::vector<UniqueFd> fds;

    static Message plain(MsgType type);
    static Message init_pid(pid_t pid);
    static Message log(log::Level level, std::string text);
    static Message fail(const Error& error);
    static Message with_fd(MsgType type, UniqueFd fd);

    pid_t pid() const;
    log::Level log_level() const;
    std::string log_text() const;
    Error error() const;  // the Error a Fail message carries, frames and all
};

}  // namespace ocirt::sync
